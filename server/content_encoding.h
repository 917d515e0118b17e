#pragma once
// Content-Encoding: gzip for large responses, when the client accepts it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ifmib::server {

/// True when an Accept-Encoding header value accepts gzip (q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

/// Raw DEFLATE (RFC 1951) of `text` at the fastest level, from an empty window, ending on a
/// byte boundary with no final block (a sync flush): such pieces, one after the other, are one
/// stream once a final block follows (gzip_cache.h). With ISA-L's igzip where the build has it
/// (IFMIB_WITH_ISAL), else with deflate_piece_zlib(). nullopt if compression failed.
std::optional<std::string> deflate_piece(std::string_view text);
/// The CRC-32 of a gzip trailer (RFC 1952), with ISA-L or zlib as deflate_piece.
std::uint32_t gzip_crc32(std::string_view text);

/// The same with zlib level 1: what the build uses where ISA-L is not built (FreeBSD's devel/isa-l
/// is amd64 only). Compiled everywhere, so that their tests run everywhere.
std::optional<std::string> deflate_piece_zlib(std::string_view text);
std::uint32_t gzip_crc32_zlib(std::string_view text);

}  // namespace ifmib::server
