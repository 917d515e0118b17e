#pragma once
// A response before it is put on the wire, and its status line and headers.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/body_part.h"

namespace ifmib::server {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  /// When not empty, the body is these parts' text instead (`body` is then empty): the server
  /// writes it, or gzip-compresses it part by part (gzip_cache.h).
  BodyParts parts;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type/-Length
  bool head = false;                                         // HEAD: headers only
  std::shared_ptr<void> slot;  // a --web.max-requests slot, released when the response is sent
  bool compressible = false;   // gzip the body when the request's Accept-Encoding allows it
};

/// A plain-text response (errors, health).
inline HttpResponse text_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

/// The status line and headers of `response`, ending with the blank line. `keep_alive` says
/// whether the connection stays open; `http10` whether the request was HTTP/1.0 (which needs
/// "Connection: keep-alive" to keep it).
std::string response_head(const HttpResponse& response, bool keep_alive, bool http10);

}  // namespace ifmib::server
