#include "cmd/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libdeflate.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <sstream>

#include "collector/exposition_text.h"
#include "log/log.h"

namespace ifmib::cmd {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

namespace {

// Percent-decoding shared by the query string and the path; they differ only in '+'.
platform::Result<std::string> percent_decode(std::string_view encoded, bool plus_is_space, const char* what) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= encoded.size()) return platform::Error::invalid(what, "truncated percent-encoding");
      const int hi = hex_value(encoded[i + 1]), lo = hex_value(encoded[i + 2]);
      if (hi < 0 || lo < 0) return platform::Error::invalid(what, "bad percent-encoding");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

platform::Result<std::string> url_decode(std::string_view encoded) {
  return percent_decode(encoded, true, "query string");
}

platform::Result<std::string> decode_path(std::string_view raw) {
  auto path = percent_decode(raw, false, "path");
  if (path && path->find('\0') != std::string::npos) return platform::Error::invalid("path", "contains a NUL byte");
  return path;
}

platform::Result<collector::Selection> parse_selection(std::string_view query_string) {
  collector::Selection selection;
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
    if (*name == "collect[]") {
      selection.include.push_back(*value);
    } else if (*name == "exclude[]") {
      selection.exclude.push_back(*value);
    }
  }
  if (!selection.include.empty() && !selection.exclude.empty()) {
    return platform::Error::invalid("query string", "collect[] and exclude[] cannot be combined");
  }
  return selection;
}

platform::Result<std::string> civetweb_port_spec(const std::string& address, bool ipv6_supported) {
  const auto bad = [&](const std::string& why) {
    return platform::Error::invalid("listen address '" + address + "'", why);
  };
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return bad("want [host]:port, e.g. :10027 or 127.0.0.1:10027");
  std::string host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  int port = -1;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed || host.find(':') != std::string::npos) {
    if (!ipv6_supported) return bad("IPv6 is not supported: this civetweb build has no IPv6 support");
    return (bracketed ? host : "[" + host + "]") + ":" + port_text;
  }
  if (host.empty() || host == "0.0.0.0") return port_text;
  in_addr ip4{};
  if (inet_pton(AF_INET, host.c_str(), &ip4) == 1) return host + ":" + port_text;
  // A host name: civetweb binds numeric addresses only, so resolve it to its first IPv4 address.
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    return bad(std::string("cannot resolve host: ") + gai_strerror(rc));
  }
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, text, sizeof text);
  freeaddrinfo(found);
  return std::string(text) + ":" + port_text;
}

bool accepts_gzip(std::string_view header) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    std::string_view coding = trim(item.substr(0, item.find(';')));
    if (coding != "gzip" && coding != "*") continue;
    // A q-value of zero means "not acceptable" (RFC 9110 section 12.4.2).
    const auto q = item.find("q=");
    if (q == std::string_view::npos) return true;
    double qvalue = 1;
    const std::string qtext(trim(item.substr(q + 2)));
    try {
      qvalue = std::stod(qtext);
    } catch (const std::exception&) {
      qvalue = 0;
    }
    return qvalue > 0;
  }
  return false;
}

std::string gzip(std::string_view text) {
  // Level 1 favours CPU: scrapes are frequent and exposition text compresses well even at the
  // fastest level. libdeflate rather than zlib, chosen by bench/compress.cpp on a 1000-interface
  // scrape (1.74 MB): zlib 1 3.15 ms / 127 KB, zlib 6 7.06 ms / 110 KB, libdeflate 1 1.83 ms /
  // 109 KB, libdeflate 6 7.10 ms / 88 KB. The whole text is at hand, which its one-shot API needs.
  const std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
      libdeflate_alloc_compressor(1), &libdeflate_free_compressor);
  if (!compressor) return {};
  // An uninitialised buffer of the bound (about the text's size), not a zero-filled string: the
  // memset of 1.7 MB was 4% of a 1000-interface scrape (perf). The result is ~16x smaller.
  const std::size_t bound = libdeflate_gzip_compress_bound(compressor.get(), text.size());
  const std::unique_ptr<char[]> buffer(new char[bound]);
  const std::size_t n = libdeflate_gzip_compress(compressor.get(), text.data(), text.size(), buffer.get(), bound);
  return std::string(buffer.get(), n);  // n == 0 (empty: served uncompressed) only if the bound was wrong
}

platform::Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerConfig& config,
                                                                const collector::Scraper& scraper,
                                                                collector::RequestCounter& requests,
                                                                std::shared_ptr<WebSecurity> security) {
  mg_init_library(0);
  const bool ipv6 = mg_check_feature(MG_FEATURES_IPV6) != 0;
  std::string ports;
  for (const auto& address : config.listen_addresses) {
    auto spec = civetweb_port_spec(address, ipv6);
    if (!spec) return spec.error();
    // An "s" suffix makes civetweb speak TLS on the port (with the context from external_ssl_ctx).
    const bool tls = security && security->tls();
    ports += (ports.empty() ? "" : ",") + *spec + (tls ? "s" : "");
  }
  // Enough workers that the max-requests limit, not the thread pool, decides who waits:
  // non-scrape requests (health checks, the landing page) are answered even at the limit.
  const int threads = config.max_requests > 0 ? config.max_requests + 4 : 64;
  const std::string thread_text = std::to_string(threads);
  const char* options[] = {"listening_ports", ports.c_str(),
                           "num_threads", thread_text.c_str(),
                           // A worker serves one connection at a time, so a slow client holds
                           // it until this deadline for the whole request (civetweb measures it from
                           // the first byte, not per read): short enough that a slowloris cannot
                           // starve a scrape (tests/integration/hostile_clients_test.cpp), long
                           // enough for any real client on a LAN. Also bounds each write.
                           "request_timeout_ms", "3000",
                           "max_request_size", "16384",
                           // Headers and body go out in separate writes: without TCP_NODELAY the
                           // body waits for the client's delayed ACK (~40 ms per scrape, bench/).
                           "tcp_nodelay", "1",
                           "enable_keep_alive", "yes",
                           // Idle keep-alive connections also hold a worker; Prometheus simply
                           // reconnects when its next scrape finds the connection closed.
                           "keep_alive_timeout_ms", "3000",
                           // We decode the path ourselves (decode_path): civetweb's decoding ends
                           // the string at "%00", so "/metrics%00.html" would be served as /metrics.
                           "decode_url", "no",
                           nullptr};
  std::unique_ptr<HttpServer> server(new HttpServer(config, scraper, requests));
  server->security_ = std::move(security);
  mg_callbacks callbacks{};
  callbacks.log_message = [](const mg_connection*, const char* message) {
    log::debug("http", {{"detail", message}});
    return 1;
  };
  if (server->security_ && server->security_->tls()) {
    if (!mg_check_feature(MG_FEATURES_TLS)) return platform::Error::invalid("TLS", "this civetweb build has no TLS support");
    if (auto ready = prepare_civetweb_tls(); !ready) return ready.error();
    // Our own OpenSSL context (web_config.cpp): civetweb's options cannot express min/max
    // versions, client_auth_type or curves. On creation civetweb passes *ctx == nullptr and takes
    // the reference we return; on shutdown it passes the context back and we return 0 so that
    // civetweb drops its reference with SSL_CTX_free.
    callbacks.external_ssl_ctx = [](void** ssl_ctx, void* self) {
      if (*ssl_ctx != nullptr) return 0;
      *ssl_ctx = static_cast<HttpServer*>(self)->security_->acquire_front_context();
      return *ssl_ctx ? 1 : -1;
    };
  }
  mg_init_data init{&callbacks, server.get(), options};
  unsigned code = 0;
  char text[256] = {};
  mg_error_data error{&code, text, sizeof text};
  server->ctx_ = mg_start2(&init, &error);
  if (!server->ctx_) {
    return platform::Error::invalid("cannot listen on " + ports, text[0] ? text : "civetweb failed to start");
  }
  mg_set_request_handler(server->ctx_, "/", &HttpServer::handle, server.get());
  return server;
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (ctx_) {
    mg_stop(ctx_);
    ctx_ = nullptr;
  }
}

std::vector<std::string> HttpServer::bound_addresses() const {
  std::vector<std::string> out;
  mg_server_port ports[16];
  const int n = mg_get_server_ports(ctx_, 16, ports);
  for (int k = 0; k < n; ++k) {
    // civetweb does not report the bound IP, only the family; the configured host is what we bound.
    const std::string& configured = config_.listen_addresses[std::min<std::size_t>(k, config_.listen_addresses.size() - 1)];
    std::string host = configured.substr(0, configured.rfind(':'));
    if (host.empty()) host = "0.0.0.0";
    out.push_back(host + ":" + std::to_string(ports[k].port));
  }
  return out;
}

int HttpServer::handle(mg_connection* conn, void* self) { return static_cast<HttpServer*>(self)->serve(conn); }

int HttpServer::respond(mg_connection* conn, int status, const std::string& content_type, const std::string& body,
                        bool head, const std::vector<std::pair<std::string, std::string>>& headers) {
  mg_response_header_start(conn, status);
  mg_response_header_add(conn, "Content-Type", content_type.c_str(), -1);
  mg_response_header_add(conn, "Content-Length", std::to_string(body.size()).c_str(), -1);
  for (const auto& [name, value] : headers) mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
  if (security_) {
    for (const auto& [name, value] : security_->headers()) {
      mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
    }
  }
  mg_response_header_send(conn);
  if (!head && !body.empty()) mg_write(conn, body.data(), body.size());
  requests_.record(status);
  return status;
}

int HttpServer::serve(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  const std::string method = info->request_method ? info->request_method : "";
  const bool head = method == "HEAD";
  const auto path = decode_path(info->local_uri ? info->local_uri : "");
  if (security_ && !security_->authorize(mg_get_header(conn, "Authorization"))) {
    return respond(conn, 401, "text/plain; charset=utf-8", "Unauthorized\n", head,
                   {{"WWW-Authenticate", "Basic realm=\"ifmib_exporter\", charset=\"UTF-8\""}});
  }
  if (method != "GET" && !head) {
    return respond(conn, 405, "text/plain; charset=utf-8", "Method not allowed: use GET or HEAD.\n", false,
                   {{"Allow", "GET, HEAD"}});
  }
  if (!path) return respond(conn, 400, "text/plain; charset=utf-8", path.error().text() + "\n", head);
  if (*path == config_.telemetry_path) return serve_metrics(conn, head);
  if (*path == "/-/healthy" || *path == "/-/ready") return respond(conn, 200, "text/plain; charset=utf-8", "OK\n", head);
  if (*path == "/") {
    const std::string metrics = html_escape(config_.telemetry_path);
    const auto build = collector::current_build_info();
    std::string page =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>ifmib_exporter</title></head>\n"
        "<body>\n<h1>ifmib_exporter</h1>\n"
        "<p>Prometheus exporter for the interface MIB, send queues and multicast memberships.</p>\n"
        "<ul>\n<li><a href=\"" + metrics + "\">Metrics</a></li>\n"
        "<li><a href=\"/-/healthy\">Health</a></li>\n</ul>\n"
        "<p>Collectors: " + html_escape([&] {
          std::string names;
          for (const auto& n : scraper_.enabled()) names += (names.empty() ? "" : ", ") + n;
          return names;
        }()) + "</p>\n"
        "<p>Version " + html_escape(build.version) + " (" + html_escape(build.revision) + ")</p>\n"
        "</body>\n</html>\n";
    return respond(conn, 200, "text/html; charset=utf-8", page, head);
  }
  return respond(conn, 404, "text/plain; charset=utf-8", "Not found. Metrics are at " + config_.telemetry_path + "\n",
                 head);
}

int HttpServer::serve_metrics(mg_connection* conn, bool head) {
  // Count this request in; release on every path out.
  struct InFlight {
    std::atomic<int>& n;
    ~InFlight() { --n; }
  } guard{in_flight_};
  if (++in_flight_ > config_.max_requests && config_.max_requests > 0) {
    return respond(conn, 503, "text/plain; charset=utf-8",
                   "Too many concurrent scrapes (limit " + std::to_string(config_.max_requests) + ").\n", head,
                   {{"Retry-After", "1"}});
  }
  const mg_request_info* info = mg_get_request_info(conn);
  auto selection = parse_selection(info->query_string ? info->query_string : "");
  if (!selection) return respond(conn, 400, "text/plain; charset=utf-8", selection.error().text() + "\n", head);
  if (auto problem = scraper_.check(*selection)) {
    return respond(conn, 400, "text/plain; charset=utf-8", *problem + "\n", head);
  }

  const collector::Families families = scraper_.scrape(*selection);
  std::string body = collector::exposition_text(families);

  std::vector<std::pair<std::string, std::string>> headers = {{"Vary", "Accept-Encoding"}};
  const char* accept = mg_get_header(conn, "Accept-Encoding");
  if (accept && accepts_gzip(accept)) {
    std::string compressed = gzip(body);
    if (!compressed.empty()) {
      body = std::move(compressed);
      headers.emplace_back("Content-Encoding", "gzip");
    }
  }
  return respond(conn, 200, kExpositionContentType, body, head, headers);
}

}  // namespace ifmib::cmd
