#include "server/url.h"

#include "base/hex_digit.h"

namespace ifmib::server {

namespace {

// Percent-decoding shared by the query string and the path; they differ only in '+'.
Result<std::string> percent_decode(std::string_view encoded, bool plus_is_space, const char* what) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= encoded.size()) return Error::invalid(what, "truncated percent-encoding");
      const int hi = hex_digit_value(encoded[i + 1]), lo = hex_digit_value(encoded[i + 2]);
      if (hi < 0 || lo < 0) return Error::invalid(what, "bad percent-encoding");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<std::string> url_decode(std::string_view encoded) {
  return percent_decode(encoded, true, "query string");
}

Result<std::string> decode_path(std::string_view raw) {
  auto path = percent_decode(raw, false, "path");
  if (path && path->find('\0') != std::string::npos) return Error::invalid("path", "contains a NUL byte");
  return path;
}

Result<std::vector<QueryParameter>> parse_query(std::string_view query_string) {
  std::vector<QueryParameter> out;
  while (!query_string.empty()) {
    const auto amp = query_string.find('&');
    const std::string_view pair = query_string.substr(0, amp);
    query_string = amp == std::string_view::npos ? std::string_view{} : query_string.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = url_decode(pair.substr(0, eq));
    if (!name) return name.error();
    auto value = url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!value) return value.error();
    out.push_back({std::move(*name), std::move(*value)});
  }
  return out;
}

}  // namespace ifmib::server
