#pragma once
// Content-Encoding: gzip for large responses, when the client accepts it.

#include <string>
#include <string_view>

namespace ifmib::server {

/// True when an Accept-Encoding header value accepts gzip (q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

/// Gzip-compresses `text` (RFC 1952) at the fastest level: with ISA-L's igzip where the build
/// has it (IFMIB_WITH_ISAL), else with gzip_zlib(). Empty if compression failed.
std::string gzip(std::string_view text);

/// The same with zlib level 1: what gzip() does where ISA-L is not built (FreeBSD's devel/isa-l
/// is amd64 only). Compiled everywhere, so that its tests run everywhere.
std::string gzip_zlib(std::string_view text);

}  // namespace ifmib::server
