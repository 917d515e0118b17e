// The pieces of gzip_cache.h and their CRC-32 with zlib, where the build has no ISA-L. A file of
// its own: an exporter built with ISA-L never calls it, so the linker leaves this object out of
// the static library's users and the binary does not load libz (84 KiB of resident pages at
// start-up, counted in the idle RSS).

#include "server/content_encoding.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ifmib::server {

std::optional<std::string> deflate_piece_zlib(std::string_view text) {
  // avail_in is 32 bits.
  if (text.size() > UINT32_MAX) return std::nullopt;
  z_stream stream{};
  // windowBits -15: raw DEFLATE, no wrapper; memLevel 8 is zlib's default.
  if (deflateInit2(&stream, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  // deflateBound covers one deflate(Z_FINISH); a sync flush's empty stored block adds 5 bytes,
  // and a few more for its bit alignment.
  const std::size_t bound = deflateBound(&stream, static_cast<uLong>(text.size())) + 16;
  const std::unique_ptr<char[]> out(new char[bound]);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.get());
  stream.avail_out = static_cast<uInt>(std::min<std::size_t>(bound, UINT32_MAX));
  const int result = deflate(&stream, Z_SYNC_FLUSH);
  const std::size_t used = stream.total_out;
  // Room left over means the flush is complete (zlib.h, deflate()).
  const bool complete = result == Z_OK && stream.avail_in == 0 && stream.avail_out != 0;
  deflateEnd(&stream);
  if (!complete) return std::nullopt;
  return std::string(out.get(), used);
}

std::uint32_t gzip_crc32_zlib(std::string_view text) {
  uLong crc = crc32(0, nullptr, 0);
  // crc32_z takes a size_t length, so no 4 GiB limit.
  crc = crc32_z(crc, reinterpret_cast<const Bytef*>(text.data()), text.size());
  return static_cast<std::uint32_t>(crc);
}

}  // namespace ifmib::server
