#pragma once
// The HTTP front: civetweb driven directly. /metrics (collect[] / exclude[]), a landing page,
// /-/healthy, 400/404/405/503. Knows no OS and names no metric.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "collector/exporter_metrics.h"
#include "cmd/web_config.h"
#include "collector/scrape.h"
#include "platform/result.h"

struct mg_context;
struct mg_connection;

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

/// The civetweb listening_ports entry for a node_exporter-style address, or an Error
/// (IPv6 without IPv6 support in civetweb, bad port, unresolvable host).
platform::Result<std::string> civetweb_port_spec(const std::string& address, bool ipv6_supported);

/// True when an Accept-Encoding header value accepts gzip (q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

/// Gzip-compresses `text` (RFC 1952).
std::string gzip(std::string_view text);

/// Thread safety: handlers run on civetweb's worker threads; the server shares only the
/// Scraper (itself thread-safe), an atomic in-flight count and the RequestCounter.
class HttpServer {
 public:
  static platform::Result<std::unique_ptr<HttpServer>> start(const ServerConfig& config,
                                                             const collector::Scraper& scraper,
                                                             collector::RequestCounter& requests,
                                                             std::shared_ptr<WebSecurity> security = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// "ip:port" of every listening socket (port 0 in the config is resolved here).
  std::vector<std::string> bound_addresses() const;
  /// Stops accepting, lets in-flight requests finish, joins the workers.
  void stop();

 private:
  HttpServer(const ServerConfig& config, const collector::Scraper& scraper, collector::RequestCounter& requests)
      : config_(config), scraper_(scraper), requests_(requests) {}
  static int handle(mg_connection* conn, void* self);
  int serve(mg_connection* conn);
  int serve_metrics(mg_connection* conn, bool head);
  int respond(mg_connection* conn, int status, const std::string& content_type, const std::string& body,
              bool head, const std::vector<std::pair<std::string, std::string>>& headers = {});

  ServerConfig config_;
  const collector::Scraper& scraper_;
  collector::RequestCounter& requests_;
  std::shared_ptr<WebSecurity> security_;  // --web.config.file: TLS, basic auth, headers; null = none
  std::atomic<int> in_flight_{0};
  mg_context* ctx_ = nullptr;
};

}  // namespace ifmib::cmd
