#pragma once
// Percent-decoding of request paths and query strings (RFC 3986, form encoding).

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ifmib::server {

/// Strict application/x-www-form-urlencoded decoding: '%' must be followed by two hex digits.
Result<std::string> url_decode(std::string_view encoded);

/// The request path, percent-decoded ('+' stays a plus). Bad percent-encoding and a NUL byte
/// are errors (the caller answers 400): a NUL would end the path early in C string code.
Result<std::string> decode_path(std::string_view raw);

struct QueryParameter {
  std::string name;
  std::string value;
};

/// The decoded name=value pairs of a query string, in order; empty pairs are skipped and a pair
/// without '=' has an empty value. Bad percent-encoding is an error (the caller answers 400).
Result<std::vector<QueryParameter>> parse_query(std::string_view query_string);

}  // namespace ifmib::server
