#pragma once
// gzip decoding for tests: zlib's inflate, independent of the product's compressor (ISA-L or zlib
// deflate, server/gzip_cache.h).

#include <optional>
#include <string>
#include <string_view>

namespace ifmib::test {

/// The text of `packed`, which must be exactly one whole gzip stream (zlib checks its CRC-32 and
/// length; nothing may follow its trailer), or nullopt.
std::optional<std::string> gunzip(std::string_view packed);

}  // namespace ifmib::test
