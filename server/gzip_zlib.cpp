// gzip() with zlib, where the build has no ISA-L. A file of its own: an exporter built with ISA-L
// never calls it, so the linker leaves this object out of the static library's users and the
// binary does not load libz (84 KiB of resident pages at start-up, counted in the idle RSS).

#include "server/content_encoding.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

namespace ifmib::server {

std::string gzip_zlib(std::string_view text) {
  // avail_in is 32 bits: a text of 4 GiB or more is served uncompressed.
  if (text.size() > UINT32_MAX) return {};
  z_stream stream{};
  // windowBits 15 + 16: the gzip wrapper; memLevel 8 is zlib's default.
  if (deflateInit2(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  // deflateBound is enough for one deflate(Z_FINISH) call, whatever the input.
  const std::size_t bound = deflateBound(&stream, static_cast<uLong>(text.size()));
  const std::unique_ptr<char[]> out(new char[bound]);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.get());
  stream.avail_out = static_cast<uInt>(std::min<std::size_t>(bound, UINT32_MAX));
  const int result = deflate(&stream, Z_FINISH);
  const std::size_t used = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return {};
  return std::string(out.get(), used);
}

}  // namespace ifmib::server
