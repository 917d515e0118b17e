#include "tests/support/gunzip.h"

#include <zlib.h>

#include <climits>

namespace ifmib::test {

std::optional<std::string> gunzip(std::string_view packed) {
  if (packed.size() > UINT_MAX) return std::nullopt;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;  // 15 + 16: the gzip wrapper
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  zs.avail_in = static_cast<uInt>(packed.size());
  std::string out(packed.size() * 4 + 1024, '\0');
  int result = Z_OK;
  while (result == Z_OK) {
    if (zs.total_out == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + zs.total_out);
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    result = inflate(&zs, Z_NO_FLUSH);
  }
  const bool whole = result == Z_STREAM_END && zs.avail_in == 0;
  out.resize(zs.total_out);
  inflateEnd(&zs);
  if (!whole) return std::nullopt;
  return out;
}

}  // namespace ifmib::test
