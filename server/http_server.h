#pragma once
// The HTTP front: the telemetry path and the landing page the application hands it, /-/healthy,
// basic auth, 400/401/404/405/503, gzip. Knows no OS (the poller hides it), no collector and no metric.
//
// Serving model (README "Hostile clients"): one event-loop thread owns every socket. It accepts,
// does TLS handshakes, reads request heads and writes responses, all without blocking, so a
// connection that is waiting for a whole request costs a file descriptor and a small buffer, never
// a thread. Only complete requests go to the worker threads (at most --web.max-requests + 4,
// started as needed), which run the handler. A worker writes a keep-alive response on a plain
// connection itself, without waking the loop; the rest of a response the socket did not take,
// and every other response, it hands back to the loop. civetweb,
// which this replaced, gave each connection a worker from accept to close: N slow clients held N
// of its 44 workers and a real scrape waited behind them (measured: 16 s at 300, 22 s at 1000).

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "server/content_encoding.h"
#include "server/gzip_cache.h"
#include "server/http_request.h"
#include "server/http_response.h"
#include "server/status_counter.h"
#include "server/web_security.h"

namespace ifmib::server {

struct ServerConfig {
  std::vector<std::string> listen_addresses;  // "[host]:port"; host empty = all IPv4 addresses
  std::string telemetry_path = "/metrics";
  int max_requests = 40;                      // concurrent scrapes; 0 = unlimited
};

/// What the server serves besides /-/healthy and /-/ready. The server names no metric and knows
/// no collector: the application hands it these.
struct Routes {
  /// The telemetry path (GET and HEAD). It runs holding one of the --web.max-requests slots, which
  /// is released when the response has been sent. A `compressible` response is gzipped when the
  /// request accepts it.
  std::function<HttpResponse(const HttpRequest&)> metrics;
  /// The page at "/".
  std::function<HttpResponse()> landing_page;
};

/// Thread safety: start/stop/bound_addresses from one thread. Handlers run on the worker
/// threads and share only the route handlers (which must be thread-safe), an atomic in-flight
/// count, the StatusCounter and the WebSecurity (both thread-safe). The process should ignore SIGPIPE
/// (main does): TLS writes go through OpenSSL's socket BIO, which does not pass MSG_NOSIGNAL.
class HttpServer {
 public:
  /// Request head limit (request line and headers), as civetweb's max_request_size was.
  static constexpr std::size_t kMaxRequestHead = 16 * 1024;

  static Result<std::unique_ptr<HttpServer>> start(const ServerConfig& config, Routes routes,
                                                   StatusCounter& statuses,
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
  HttpServer(const ServerConfig& config, Routes routes, StatusCounter& statuses);
  HttpResponse serve_metrics(const HttpRequest& request);

  ServerConfig config_;
  Routes routes_;
  StatusCounter& statuses_;
  std::shared_ptr<WebSecurity> security_;  // --web.config.file: TLS, basic auth, headers; null = none
  std::atomic<int> in_flight_{0};
  GzipCache gzip_{deflate_piece};  // internally synchronised
  std::unique_ptr<Loop> loop_;
};

}  // namespace ifmib::server
