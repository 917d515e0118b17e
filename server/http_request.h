#pragma once
// HTTP/1.0 and 1.1 request heads (RFC 9112), parsed from the bytes a connection has received so
// far. A pure function of bytes: the server's event loop calls it after every read, the unit tests
// and the fuzzer call it on literal text. Bodies are never read (the exporter serves GET and HEAD);
// a request that announces one is answered and its connection closed.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ifmib::server {

/// One request head. `path` and `query` are still percent-encoded (decode_path / parse_selection
/// decode them, with their own rules).
struct HttpRequest {
  std::string method;
  std::string path;   // origin-form target up to '?'; an absolute-form target is reduced to this
  std::string query;  // after '?', without it; empty when absent
  int minor_version = 1;  // HTTP/1.<minor_version>
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, values trimmed
  bool keep_alive = true;  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"
  bool has_body = false;   // Content-Length above 0 or a Transfer-Encoding

  /// The first header named `name` (ASCII case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// What the bytes so far amount to.
struct HeadParse {
  enum class Status { incomplete, complete, invalid };
  Status status = Status::incomplete;
  HttpRequest request;       // complete only
  std::size_t consumed = 0;  // complete: bytes of the head, including leading empty lines
  int error_status = 0;      // invalid: 400, 414, 431 or 505
  std::string error;         // invalid: why, for the response body
};

/// Parses the request head at the start of `received`. `max_head` bounds the head (request line,
/// headers and the blank line): when that many bytes hold no complete head the answer is invalid
/// with 414 (still in the request line) or 431, so a client cannot make the server buffer more.
HeadParse parse_request_head(std::string_view received, std::size_t max_head);

/// `s` without the optional whitespace (spaces and tabs, RFC 9110 5.6.3) at either end.
std::string_view trim_ows(std::string_view s);

/// Calls visit(item) for each comma-separated, trimmed, non-empty item of a list-valued field
/// value (RFC 9110 5.6.1), in order.
template <class Visit>
void each_list_item(std::string_view value, Visit visit) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const std::string_view item = trim_ows(value.substr(0, comma));
    if (!item.empty()) visit(item);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
  }
}

}  // namespace ifmib::server
