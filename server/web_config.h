#pragma once
// --web.config.file: the exporter-toolkit web configuration (the YAML file node_exporter takes),
// turned into what the HTTP server needs: an OpenSSL server context, basic-auth checks and
// extra response headers. Format reference: prometheus/exporter-toolkit docs/web-configuration.md.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX and SSL, kept out of this header
struct ssl_st;

namespace ifmib::server {

/// tls_server_config.client_auth_type, named as Go's crypto/tls ClientAuthType.
enum class ClientAuth { no_client_cert, request, require_any, verify_if_given, require_and_verify };

/// tls_server_config. Paths are absolute after parsing (relative ones resolve against the
/// directory of the config file, as exporter-toolkit does).
struct TlsSettings {
  std::string cert_file, key_file, client_ca_file;
  ClientAuth client_auth = ClientAuth::no_client_cert;
  int min_version = 0x0303;  // TLS12, as an on-the-wire protocol version (TLS1_2_VERSION)
  int max_version = 0x0304;  // TLS13
  std::vector<std::string> cipher_suites;      // IANA names as Go spells them; TLS 1.0-1.2 only
  bool prefer_server_cipher_suites = true;
  std::vector<std::string> curve_preferences;  // CurveP256, CurveP384, CurveP521, X25519
  bool operator==(const TlsSettings&) const = default;
};

/// The whole file. `tls` is false when tls_server_config sets nothing: plain HTTP.
struct WebConfig {
  bool tls = false;
  TlsSettings tls_settings;
  bool http2 = true;  // accepted for compatibility; the server speaks HTTP/1.1 only
  std::vector<std::pair<std::string, std::string>> headers;  // http_server_config.headers, validated
  std::map<std::string, std::string> users;                   // user -> bcrypt hash
  bool operator==(const WebConfig&) const = default;
};

/// Parses the YAML text of a web config. `base_dir` resolves relative paths. Unknown keys, wrong
/// types, duplicate keys, unknown enum values, headers exporter-toolkit does not allow and hashes
/// that are not bcrypt are errors. Files are not opened here.
Result<WebConfig> parse_web_config(std::string_view yaml, const std::string& base_dir);

/// True when `hash` is a bcrypt hash ($2a$/$2b$/$2y$, cost 04-31, 53 characters of salt and digest).
bool is_bcrypt_hash(std::string_view hash);

/// True when `password` matches the bcrypt `hash` (libcrypt's crypt_r; compared in constant time).
bool bcrypt_matches(const std::string& password, const std::string& hash);

/// Equality that takes the same time for any two strings of the same length.
bool constant_time_equal(std::string_view a, std::string_view b);

/// Decodes an "Authorization: Basic base64(user:password)" header value; false when malformed.
bool parse_basic_authorization(std::string_view header, std::string& user, std::string& password);

/// An OpenSSL server context built from TlsSettings (certificate and key loaded and checked,
/// versions, ciphers, curves, client-certificate policy). Shared: connections hold references.
using SslContext = std::shared_ptr<ssl_ctx_st>;
Result<SslContext> make_ssl_context(const TlsSettings& settings);

/// Remembers successful bcrypt checks, keyed by a SHA-256 of (user, hash, password), so that a
/// scrape every few seconds does not pay bcrypt's deliberate cost each time. Bounded; thread-safe.
class AuthCache {
 public:
  bool contains(const std::string& user, const std::string& hash, const std::string& password) const;
  void insert(const std::string& user, const std::string& hash, const std::string& password);
  std::size_t size() const;

 private:
  static std::string key(const std::string& user, const std::string& hash, const std::string& password);
  static constexpr std::size_t kMaxEntries = 256;
  mutable std::mutex mutex_;
  std::vector<std::string> keys_;
};

/// The live web configuration of a running server: what the HTTP handlers and the TLS handshake
/// consult. reload() swaps it atomically; a bad file leaves the old one in place.
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
  /// caller frees it with SSL_CTX_free). Each handshake then switches to the current
  /// configuration's context (see web_config.cpp).
  ssl_ctx_st* acquire_front_context();

 private:
  struct State {
    WebConfig config;
    SslContext ssl;            // null without TLS
    std::string decoy_hash;    // checked for unknown users, so timing does not reveal names
  };
  static Result<std::shared_ptr<const State>> build(WebConfig config);
  std::shared_ptr<const State> current() const;
  static int on_client_hello(::ssl_st* ssl, int* alert, void* arg);

  std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const State> state_;
  SslContext front_;
  mutable std::mutex bcrypt_mutex_;  // one bcrypt at a time: it is CPU-bound by design
  mutable AuthCache cache_;
};

}  // namespace ifmib::server
