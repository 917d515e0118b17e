#include "server/web_config.h"

#include <openssl/ssl.h>  // TLS1_VERSION ... TLS1_3_VERSION
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>

#include "server/basic_auth.h"  // is_bcrypt_hash

namespace ifmib::server {

namespace {

// A YAML problem at a node: "line N: what".
struct YamlError {
  std::string text;
};

[[noreturn]] void fail_at(const YAML::Node& node, const std::string& what) {
  const YAML::Mark mark = node.Mark();
  throw YamlError{(mark.line >= 0 ? "line " + std::to_string(mark.line + 1) + ": " : std::string{}) + what};
}

std::string scalar(const YAML::Node& node, const std::string& key) {
  if (node.IsNull()) return {};
  if (!node.IsScalar()) fail_at(node, key + " must be a string");
  return node.Scalar();
}

bool boolean(const YAML::Node& node, const std::string& key) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) fail_at(node, key + " must be true or false");
  return value;
}

std::vector<std::string> string_list(const YAML::Node& node, const std::string& key) {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) fail_at(node, key + " must be a list of strings");
  for (const auto& item : node) out.push_back(scalar(item, key + " entry"));
  return out;
}

// Calls `visit(key, value)` for each entry of a mapping, rejecting duplicate keys (Go's strict
// YAML decoding rejects them; yaml-cpp would silently keep one).
template <class Visit>
void each_entry(const YAML::Node& map, const std::string& where, Visit visit) {
  if (map.IsNull()) return;
  if (!map.IsMap()) fail_at(map, where + " must be a mapping");
  std::set<std::string> seen;
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) fail_at(entry.first, where + ": keys must be strings");
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) fail_at(entry.first, where + ": duplicate key '" + key + "'");
    visit(key, entry.first, entry.second);
  }
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir + (base_dir.back() == '/' ? "" : "/") + path;
}

int tls_version(const YAML::Node& node, const std::string& key) {
  static const std::map<std::string, int> kVersions = {
      {"TLS10", TLS1_VERSION}, {"TLS11", TLS1_1_VERSION}, {"TLS12", TLS1_2_VERSION}, {"TLS13", TLS1_3_VERSION}};
  const std::string text = scalar(node, key);
  const auto found = kVersions.find(text);
  if (found == kVersions.end()) fail_at(node, "unknown TLS version for " + key + ": '" + text + "' (want TLS10..TLS13)");
  return found->second;
}

ClientAuth client_auth(const YAML::Node& node) {
  static const std::map<std::string, ClientAuth> kTypes = {
      {"", ClientAuth::no_client_cert},
      {"NoClientCert", ClientAuth::no_client_cert},
      {"RequestClientCert", ClientAuth::request},
      {"RequireAnyClientCert", ClientAuth::require_any},
      {"RequireClientCert", ClientAuth::require_any},  // older spelling exporter-toolkit still accepts
      {"VerifyClientCertIfGiven", ClientAuth::verify_if_given},
      {"RequireAndVerifyClientCert", ClientAuth::require_and_verify}};
  const std::string text = scalar(node, "client_auth_type");
  const auto found = kTypes.find(text);
  if (found == kTypes.end()) fail_at(node, "unknown client_auth_type '" + text + "'");
  return found->second;
}

// Keys exporter-toolkit has that we do not implement: named, so the error says so rather than
// calling a real option unknown.
const std::set<std::string> kUnsupportedTls = {"cert", "key", "client_ca", "client_allowed_sans"};

void parse_tls(const YAML::Node& node, const std::string& base_dir, WebConfig& out) {
  TlsSettings& t = out.tls_settings;
  bool any = false;
  each_entry(node, "tls_server_config", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
    if (key == "cert_file") {
      t.cert_file = resolve(scalar(v, key), base_dir);
      any = any || !t.cert_file.empty();
    } else if (key == "key_file") {
      t.key_file = resolve(scalar(v, key), base_dir);
      any = any || !t.key_file.empty();
    } else if (key == "client_ca_file") {
      t.client_ca_file = resolve(scalar(v, key), base_dir);
      any = any || !t.client_ca_file.empty();
    } else if (key == "client_auth_type") {
      t.client_auth = client_auth(v);
      any = any || !scalar(v, key).empty();
    } else if (key == "min_version") {
      t.min_version = tls_version(v, key);
    } else if (key == "max_version") {
      t.max_version = tls_version(v, key);
    } else if (key == "cipher_suites") {
      t.cipher_suites = string_list(v, key);
    } else if (key == "prefer_server_cipher_suites") {
      t.prefer_server_cipher_suites = boolean(v, key);
    } else if (key == "curve_preferences") {
      t.curve_preferences = string_list(v, key);
      for (const auto& c : t.curve_preferences) {
        if (!curve_group_names().count(c)) fail_at(v, "unknown curve '" + c + "' (want CurveP256, CurveP384, CurveP521, X25519)");
      }
    } else if (kUnsupportedTls.count(key)) {
      fail_at(key_node, "tls_server_config." + key + " is not supported by ifmib_exporter");
    } else {
      fail_at(key_node, "unknown key '" + key + "' in tls_server_config");
    }
  });
  // As exporter-toolkit: TLS is on when any of the certificate or client settings is given.
  out.tls = any;
  if (!any) return;
  if (t.cert_file.empty()) fail_at(node, "tls_server_config: missing cert_file");
  if (t.key_file.empty()) fail_at(node, "tls_server_config: missing key_file");
  if (!t.client_ca_file.empty() && t.client_auth == ClientAuth::no_client_cert) {
    fail_at(node, "tls_server_config: client_ca_file is set but client_auth_type is NoClientCert");
  }
  if (t.min_version > t.max_version) fail_at(node, "tls_server_config: min_version is above max_version");
}

// exporter-toolkit allows only these headers, some with a fixed set of values.
const std::map<std::string, std::vector<std::string>>& allowed_headers() {
  static const std::map<std::string, std::vector<std::string>> kHeaders = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}}};
  return kHeaders;
}

void parse_http(const YAML::Node& node, WebConfig& out) {
  each_entry(node, "http_server_config", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
    if (key == "http2") {
      out.http2 = boolean(v, key);
    } else if (key == "headers") {
      each_entry(v, "http_server_config.headers", [&](const std::string& name, const YAML::Node& name_node,
                                                      const YAML::Node& value_node) {
        const auto allowed = allowed_headers().find(name);
        if (allowed == allowed_headers().end()) fail_at(name_node, "HTTP header '" + name + "' can not be configured");
        const std::string value = scalar(value_node, name);
        if (value.find_first_of("\r\n") != std::string::npos) fail_at(value_node, name + ": line breaks are not allowed");
        if (!allowed->second.empty() &&
            std::find(allowed->second.begin(), allowed->second.end(), value) == allowed->second.end()) {
          std::string choices;
          for (const auto& c : allowed->second) choices += (choices.empty() ? "" : ", ") + c;
          fail_at(value_node, "invalid value '" + value + "' for " + name + " (want one of: " + choices + ")");
        }
        out.headers.emplace_back(name, value);
      });
    } else {
      fail_at(key_node, "unknown key '" + key + "' in http_server_config");
    }
  });
}

void parse_users(const YAML::Node& node, WebConfig& out) {
  each_entry(node, "basic_auth_users", [&](const std::string& user, const YAML::Node& user_node, const YAML::Node& v) {
    if (user.find(':') != std::string::npos) fail_at(user_node, "basic_auth_users: user name '" + user + "' contains ':'");
    const std::string hash = scalar(v, "basic_auth_users." + user);
    if (!is_bcrypt_hash(hash)) {
      fail_at(v, "basic_auth_users." + user + ": not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04-31)");
    }
    out.users[user] = hash;
  });
}

}  // namespace

const std::map<std::string, std::string>& curve_group_names() {
  static const std::map<std::string, std::string> kCurves = {
      {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};
  return kCurves;
}

Result<WebConfig> parse_web_config(std::string_view yaml, const std::string& base_dir) {
  WebConfig config;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return config;  // an empty file: plain HTTP, no authentication
    each_entry(root, "web config", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      if (key == "tls_server_config") {
        parse_tls(v, base_dir, config);
      } else if (key == "http_server_config") {
        parse_http(v, config);
      } else if (key == "basic_auth_users") {
        parse_users(v, config);
      } else if (key == "rate_limit") {
        fail_at(key_node, "rate_limit is not supported by ifmib_exporter (see --web.max-requests)");
      } else {
        fail_at(key_node, "unknown key '" + key + "'");
      }
    });
  } catch (const YamlError& e) {
    return Error::invalid("", e.text);
  } catch (const YAML::Exception& e) {
    return Error::invalid("", (e.mark.line >= 0 ? "line " + std::to_string(e.mark.line + 1) + ": " : "") + e.msg);
  }
  return config;
}

Result<WebConfig> read_web_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::from_errno("web config " + path, errno);
  std::stringstream text;
  text << in.rdbuf();
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  auto config = parse_web_config(text.str(), dir);
  if (!config) return config.error().within("web config " + path);
  return config;
}

}  // namespace ifmib::server
