#pragma once
// The live web configuration of a running server (--web.config.file): what the HTTP handlers and
// the TLS handshake consult, re-read on SIGHUP.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "server/basic_auth.h"
#include "server/tls_context.h"
#include "server/web_config.h"

namespace ifmib::server {

/// reload() swaps the configuration atomically; a bad file leaves the old one in place.
/// Thread safety: every method may be called from any thread.
class WebSecurity {
 public:
  /// Reads and validates `path` (YAML, certificates, keys, CA file).
  static Result<std::shared_ptr<WebSecurity>> load(const std::string& path);
  /// A configuration from already parsed settings (tests); `path` is what reload() re-reads.
  static Result<std::shared_ptr<WebSecurity>> from_config(WebConfig config, std::string path = {});

  /// Re-reads the file. On error the previous configuration stays and the Error says why.
  /// Switching between HTTP and HTTPS needs a restart (the listening sockets change), so it is refused.
  Status reload();

  bool tls() const;
  /// True when the request may proceed: no users are configured, or `authorization` carries a
  /// known user's right password.
  bool authorize(const char* authorization_header) const;
  /// http_server_config.headers, to add to every response.
  std::vector<std::pair<std::string, std::string>> headers() const;

  /// For the HTTP server: a new reference to the context its connections are created from (the
  /// caller frees it with SSL_CTX_free), or null without TLS. Each handshake then switches to the
  /// current configuration's context (LiveTlsContext).
  ssl_ctx_st* acquire_front_context();

 private:
  struct State {
    WebConfig config;
    std::string decoy_hash;  // checked for unknown users (basic_auth.h)
  };
  // Everything a configuration needs, built before anything is swapped in.
  struct Built {
    std::shared_ptr<const State> state;
    std::optional<TlsContext> tls;
  };
  static Result<Built> build(WebConfig config);
  std::shared_ptr<const State> current() const;

  std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const State> state_;
  std::unique_ptr<LiveTlsContext> tls_;  // null without TLS; fixed at start (see reload)
  BasicAuth auth_;
};

}  // namespace ifmib::server
