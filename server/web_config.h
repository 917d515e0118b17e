#pragma once
// --web.config.file: the exporter-toolkit web configuration (the YAML file node_exporter takes),
// read into plain settings. tls_context.h turns them into an OpenSSL context, basic_auth.h checks
// credentials, web_security.h holds the live configuration. Format reference:
// prometheus/exporter-toolkit docs/web-configuration.md.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

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

/// Reads and parses the file at `path`; relative paths in it resolve against its directory.
Result<WebConfig> read_web_config(const std::string& path);

/// The curves of curve_preferences: Go's crypto/tls names and OpenSSL's group names for them.
const std::map<std::string, std::string>& curve_group_names();

}  // namespace ifmib::server
