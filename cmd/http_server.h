#pragma once
// The HTTP front: /metrics (collect[] / exclude[]), a landing page, /-/healthy, 400/404/405/503.
// Knows no OS and names no metric.
//
// Serving model (README "Hostile clients"): one event-loop thread owns every socket. It accepts,
// does TLS handshakes, reads request heads and writes responses, all without blocking, so a
// connection that is waiting for a whole request costs a file descriptor and a small buffer, never
// a thread. Only complete requests go to the worker threads (at most --web.max-requests + 4,
// started as needed), which run the handler and hand the response back to the loop. civetweb,
// which this replaced, gave each connection a worker from accept to close: N slow clients held N
// of its 44 workers and a real scrape waited behind them (measured: 16 s at 300, 22 s at 1000).

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cmd/http_request.h"
#include "cmd/web_config.h"
#include "collector/exporter_metrics.h"
#include "collector/scrape.h"
#include "platform/result.h"

namespace ifmib::cmd {

struct ServerConfig {
  std::vector<std::string> listen_addresses;  // "[host]:port"; host empty = all IPv4 addresses
  std::string telemetry_path = "/metrics";
  int max_requests = 40;                      // concurrent scrapes; 0 = unlimited
};

/// Splits a parsed query string into collect[] / exclude[] selections. Other parameters are
/// ignored, as node_exporter ignores them. Bad percent-encoding is an error (the caller answers 400).
platform::Result<collector::Selection> parse_selection(std::string_view query_string);

/// Strict application/x-www-form-urlencoded decoding: '%' must be followed by two hex digits.
platform::Result<std::string> url_decode(std::string_view encoded);

/// The request path, percent-decoded ('+' stays a plus). Bad percent-encoding and a NUL byte
/// are errors (the caller answers 400): a NUL would end the path early in C string code.
platform::Result<std::string> decode_path(std::string_view raw);

/// A socket address to listen on, from a node_exporter-style "[host]:port".
struct ListenAddress {
  sockaddr_storage address{};
  socklen_t length = 0;
};

/// Resolves "[host]:port": empty host or 0.0.0.0 = every IPv4 address, "[v6]:port" an IPv6
/// address, a name its first IPv4 address. Errors name the address and the reason.
platform::Result<ListenAddress> resolve_listen_address(const std::string& address);

/// "ip:port" ("[ip]:port" for IPv6) of a socket address.
std::string address_text(const sockaddr* address);

/// True when an Accept-Encoding header value accepts gzip (q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

/// Gzip-compresses `text` (RFC 1952).
std::string gzip(std::string_view text);

/// A response before it is put on the wire.
struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type/-Length
  bool head = false;                                         // HEAD: headers only
  std::shared_ptr<void> slot;  // a --web.max-requests slot, released when the response is sent
};

/// The status line and headers of `response`, ending with the blank line. `keep_alive` says
/// whether the connection stays open; `http10` whether the request was HTTP/1.0 (which needs
/// "Connection: keep-alive" to keep it).
std::string response_head(const HttpResponse& response, bool keep_alive, bool http10);

/// Thread safety: start/stop/bound_addresses from one thread. Handlers run on the worker
/// threads and share only the Scraper (itself thread-safe), an atomic in-flight count, the
/// RequestCounter and the WebSecurity (both thread-safe). The process should ignore SIGPIPE
/// (main does): TLS writes go through OpenSSL's socket BIO, which does not pass MSG_NOSIGNAL.
class HttpServer {
 public:
  /// Request head limit (request line and headers), as civetweb's max_request_size was.
  static constexpr std::size_t kMaxRequestHead = 16 * 1024;

  static platform::Result<std::unique_ptr<HttpServer>> start(const ServerConfig& config,
                                                             const collector::Scraper& scraper,
                                                             collector::RequestCounter& requests,
                                                             std::shared_ptr<WebSecurity> security = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// "ip:port" of every listening socket (port 0 in the config is resolved here).
  std::vector<std::string> bound_addresses() const;
  /// Stops accepting, lets requests being handled or written finish (up to 10 s), joins the threads.
  void stop();

  /// The response to one complete request (what a worker thread runs). Public for tests.
  HttpResponse handle(const HttpRequest& request);

 private:
  class Loop;
  HttpServer(const ServerConfig& config, const collector::Scraper& scraper, collector::RequestCounter& requests);
  HttpResponse serve_metrics(const HttpRequest& request, bool head);

  ServerConfig config_;
  const collector::Scraper& scraper_;
  collector::RequestCounter& requests_;
  std::shared_ptr<WebSecurity> security_;  // --web.config.file: TLS, basic auth, headers; null = none
  std::atomic<int> in_flight_{0};
  std::unique_ptr<Loop> loop_;
};

}  // namespace ifmib::cmd
