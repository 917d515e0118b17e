#pragma once
// Content-Encoding: gzip for large responses, when the client accepts it.

#include <string>
#include <string_view>

namespace ifmib::server {

/// True when an Accept-Encoding header value accepts gzip (q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

/// Gzip-compresses `text` (RFC 1952); empty if compression failed.
std::string gzip(std::string_view text);

}  // namespace ifmib::server
