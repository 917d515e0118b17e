#include "server/web_config.h"

// crypt_r and struct crypt_data: libxcrypt (glibc systems) declares them in <crypt.h>, FreeBSD's
// libcrypt in <unistd.h>. A header probe, not an OS test: either library provides bcrypt.
#if __has_include(<crypt.h>)
#include <crypt.h>
#endif
#include <unistd.h>  // FreeBSD: crypt_r
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

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

// Go's crypto/tls curve names -> OpenSSL group names.
const std::map<std::string, std::string>& curve_names() {
  static const std::map<std::string, std::string> kCurves = {
      {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};
  return kCurves;
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
        if (!curve_names().count(c)) fail_at(v, "unknown curve '" + c + "' (want CurveP256, CurveP384, CurveP521, X25519)");
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

std::string openssl_errors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    out += (out.empty() ? "" : "; ") + std::string(text);
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

// Go names TLS 1.0-1.2 cipher suites by their IANA names, which OpenSSL knows as "standard names".
Result<std::string> openssl_cipher_list(const std::vector<std::string>& go_names) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> all(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!all || SSL_CTX_set_cipher_list(all.get(), "ALL:COMPLEMENTOFALL") != 1) {
    return Error::invalid("cipher_suites", openssl_errors());
  }
  const STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(all.get());
  std::string list;
  for (const auto& name : go_names) {
    const SSL_CIPHER* match = nullptr;
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
      const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
      if (const char* standard = SSL_CIPHER_standard_name(c); standard && name == standard) match = c;
    }
    if (!match) return Error::invalid("cipher_suites", "unknown cipher suite '" + name + "'");
    // TLS 1.3 suites are not configurable, as in Go: accept the name, leave the suite on.
    if (std::string_view(SSL_CIPHER_get_version(match)) == "TLSv1.3") continue;
    list += (list.empty() ? "" : ":") + std::string(SSL_CIPHER_get_name(match));
  }
  return list;
}

// Accepts any certificate or none: RequestClientCert / RequireAnyClientCert ask for a
// certificate but, as in Go, do not verify it.
int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

namespace {
// A bcrypt setting ("$2b$10$" + 22 salt characters) with a fresh random salt, for the decoy hash.
// Built here because the salt generators differ: libxcrypt has crypt_gensalt_rn, FreeBSD's
// libcrypt has none. Both libraries' crypt_r accept $2a$, $2b$ and $2y$ with cost 04-31
// (FreeBSD: secure/lib/libcrypt/crypt-blowfish.c, crypt_blowfish), so the prefix and cost are the
// real user's own. The salt is 16 random bytes in bcrypt's base64 alphabet: 21 characters carry
// 126 bits and the 22nd the last 2, as crypt_blowfish encodes them.
Result<std::string> bcrypt_setting(std::string_view prefix_and_cost) {
  static constexpr char kAlphabet[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::array<unsigned char, 16> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return Error::invalid("basic_auth_users", "no random bytes for a bcrypt salt");
  }
  std::string out(prefix_and_cost);
  std::uint32_t bits = 0;
  int count = 0;
  for (const unsigned char byte : salt) {
    bits = (bits << 8) | byte;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

}  // namespace

bool is_bcrypt_hash(std::string_view hash) {
  // $2b$10$ + 22 characters of salt + 31 of digest, in bcrypt's base64 alphabet.
  if (hash.size() != 60 || hash.substr(0, 2) != "$2" || hash[3] != '$' || hash[6] != '$') return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return false;
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(), [](char c) {
    return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool bcrypt_matches(const std::string& password, const std::string& hash) {
  // A NUL would end the C string early and let "pass\0anything" match "pass".
  if (!is_bcrypt_hash(hash) || password.find('\0') != std::string::npos) return false;
  auto data = std::make_unique<crypt_data>();  // about 32 KiB: not for the stack
  const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
  if (!out || out[0] == '*') return false;  // libcrypt's failure tokens start with '*'
  return constant_time_equal(out, hash);
}

bool parse_basic_authorization(std::string_view header, std::string& user, std::string& password) {
  constexpr std::string_view kScheme = "basic ";
  if (header.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return false;
  }
  std::string_view encoded = header.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  if (encoded.empty() || encoded.size() % 4 != 0) return false;
  std::string decoded;
  unsigned bits = 0;
  int nbits = 0;
  std::size_t padding = 0;
  for (char c : encoded) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') {
      ++padding;
      continue;
    }
    if (v < 0 || padding > 0) return false;  // bad character, or data after padding
    bits = (bits << 6) | static_cast<unsigned>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      decoded += static_cast<char>((bits >> nbits) & 0xff);
    }
  }
  if (padding > 2) return false;
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  user = decoded.substr(0, colon);
  password = decoded.substr(colon + 1);
  return true;
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

Result<SslContext> make_ssl_context(const TlsSettings& s) {
  ERR_clear_error();
  SslContext ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return Error::invalid("TLS", openssl_errors());
  SSL_CTX* raw = ctx.get();
  // An encrypted key must fail, not prompt on a terminal nobody watches.
  SSL_CTX_set_default_passwd_cb(raw, [](char*, int, int, void*) { return 0; });
  if (SSL_CTX_set_min_proto_version(raw, s.min_version) != 1 || SSL_CTX_set_max_proto_version(raw, s.max_version) != 1) {
    return Error::invalid("TLS versions", openssl_errors());
  }
  SSL_CTX_set_options(raw, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (s.prefer_server_cipher_suites) SSL_CTX_set_options(raw, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (!s.cipher_suites.empty()) {
    auto list = openssl_cipher_list(s.cipher_suites);
    if (!list) return list.error();
    if (!list->empty() && SSL_CTX_set_cipher_list(raw, list->c_str()) != 1) {
      return Error::invalid("cipher_suites", openssl_errors());
    }
  }
  if (!s.curve_preferences.empty()) {
    std::string groups;
    for (const auto& c : s.curve_preferences) groups += (groups.empty() ? "" : ":") + curve_names().at(c);
    if (SSL_CTX_set1_groups_list(raw, groups.c_str()) != 1) return Error::invalid("curve_preferences", openssl_errors());
  }
  if (SSL_CTX_use_certificate_chain_file(raw, s.cert_file.c_str()) != 1) {
    return Error::invalid("cert_file " + s.cert_file, openssl_errors());
  }
  if (SSL_CTX_use_PrivateKey_file(raw, s.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Error::invalid("key_file " + s.key_file, openssl_errors());
  }
  if (SSL_CTX_check_private_key(raw) != 1) {
    return Error::invalid("key_file " + s.key_file, "does not match cert_file: " + openssl_errors());
  }
  static constexpr unsigned char kSessionContext[] = "ifmib_exporter";
  SSL_CTX_set_session_id_context(raw, kSessionContext, sizeof kSessionContext - 1);
  if (!s.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(raw, s.client_ca_file.c_str(), nullptr) != 1) {
      return Error::invalid("client_ca_file " + s.client_ca_file, openssl_errors());
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(s.client_ca_file.c_str());
    if (!names || sk_X509_NAME_num(names) == 0) {
      if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
      return Error::invalid("client_ca_file " + s.client_ca_file, "no certificates found");
    }
    SSL_CTX_set_client_CA_list(raw, names);  // takes ownership
  } else if (s.client_auth == ClientAuth::verify_if_given || s.client_auth == ClientAuth::require_and_verify) {
    SSL_CTX_set_default_verify_paths(raw);  // as Go: no client CAs means the system roots
  }
  switch (s.client_auth) {
    case ClientAuth::no_client_cert: SSL_CTX_set_verify(raw, SSL_VERIFY_NONE, nullptr); break;
    case ClientAuth::request: SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, accept_any_certificate); break;
    case ClientAuth::require_any:
      SSL_CTX_set_verify(raw, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any_certificate);
      break;
    case ClientAuth::verify_if_given: SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, nullptr); break;
    case ClientAuth::require_and_verify:
      SSL_CTX_set_verify(raw, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  return ctx;
}

std::string AuthCache::key(const std::string& user, const std::string& hash, const std::string& password) {
  // Length-prefixed fields, so that ("ab", "c") and ("a", "bc") differ.
  std::string material;
  for (const std::string* field : {&user, &hash, &password}) {
    material += std::to_string(field->size()) + ":" + *field;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned len = 0;
  EVP_Digest(material.data(), material.size(), digest.data(), &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(material.data(), material.size());
  return std::string(reinterpret_cast<const char*>(digest.data()), len);
}

bool AuthCache::contains(const std::string& user, const std::string& hash, const std::string& password) const {
  const std::string k = key(user, hash, password);
  std::lock_guard lock(mutex_);
  bool found = false;
  for (const auto& entry : keys_) found = constant_time_equal(entry, k) || found;
  return found;
}

void AuthCache::insert(const std::string& user, const std::string& hash, const std::string& password) {
  std::string k = key(user, hash, password);
  std::lock_guard lock(mutex_);
  if (std::find(keys_.begin(), keys_.end(), k) != keys_.end()) return;
  if (keys_.size() >= kMaxEntries) keys_.erase(keys_.begin());  // oldest first
  keys_.push_back(std::move(k));
}

std::size_t AuthCache::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

Result<std::shared_ptr<const WebSecurity::State>> WebSecurity::build(WebConfig config) {
  auto state = std::make_shared<State>();
  if (config.tls) {
    auto ssl = make_ssl_context(config.tls_settings);
    if (!ssl) return ssl.error();
    state->ssl = std::move(*ssl);
  }
  if (!config.users.empty()) {
    // A hash of the same cost as a real user's, for unknown names: the answer then takes as long
    // whether the name exists or not.
    const std::string& sample = config.users.begin()->second;
    auto setting = bcrypt_setting(sample.substr(0, 7));
    if (!setting) return setting.error();
    auto data = std::make_unique<crypt_data>();
    const char* decoy = crypt_r("ifmib_exporter decoy", setting->c_str(), data.get());
    if (!decoy || decoy[0] == '*') return Error::invalid("basic_auth_users", "libcrypt has no bcrypt support");
    state->decoy_hash = decoy;
  }
  state->config = std::move(config);
  return std::shared_ptr<const State>(std::move(state));
}

Result<std::shared_ptr<WebSecurity>> WebSecurity::from_config(WebConfig config, std::string path) {
  auto state = build(std::move(config));
  if (!state) return state.error();
  std::shared_ptr<WebSecurity> security(new WebSecurity());
  security->path_ = std::move(path);
  security->state_ = std::move(*state);
  if (security->state_->ssl) {
    // The server creates every connection from this first context; the client-hello callback then
    // moves the connection to whatever context is current, so SIGHUP can change TLS live.
    security->front_ = security->state_->ssl;
    SSL_CTX_set_client_hello_cb(security->front_.get(), &WebSecurity::on_client_hello, security.get());
  }
  return security;
}

namespace {
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
}  // namespace

Result<std::shared_ptr<WebSecurity>> WebSecurity::load(const std::string& path) {
  auto config = read_web_config(path);
  if (!config) return config.error();
  auto security = from_config(std::move(*config), path);
  if (!security) return security.error().within("web config " + path);
  return security;
}

Status WebSecurity::reload() {
  if (path_.empty()) return ok_status();
  auto config = read_web_config(path_);
  if (!config) return config.error();
  if (config->tls != tls()) {
    return Error::invalid("web config " + path_,
                          "switching between HTTP and HTTPS needs a restart; keeping the old configuration");
  }
  auto state = build(std::move(*config));
  if (!state) return state.error().within("web config " + path_);
  std::lock_guard lock(mutex_);
  state_ = std::move(*state);
  return ok_status();
}

std::shared_ptr<const WebSecurity::State> WebSecurity::current() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool WebSecurity::tls() const { return current()->config.tls; }

std::vector<std::pair<std::string, std::string>> WebSecurity::headers() const { return current()->config.headers; }

bool WebSecurity::authorize(const char* authorization_header) const {
  const auto state = current();
  const auto& users = state->config.users;
  if (users.empty()) return true;
  std::string user, password;
  if (!authorization_header || !parse_basic_authorization(authorization_header, user, password)) return false;
  const auto found = users.find(user);
  const bool known = found != users.end();
  const std::string& hash = known ? found->second : state->decoy_hash;
  if (known && cache_.contains(user, hash, password)) return true;
  bool ok = false;
  {
    std::lock_guard lock(bcrypt_mutex_);
    ok = bcrypt_matches(password, hash);
  }
  if (ok && known) {
    cache_.insert(user, hash, password);
    return true;
  }
  return false;
}

ssl_ctx_st* WebSecurity::acquire_front_context() {
  if (!front_) return nullptr;
  SSL_CTX_up_ref(front_.get());
  return front_.get();
}

int WebSecurity::on_client_hello(::ssl_st* ssl, int* alert, void* arg) {
  const auto state = static_cast<WebSecurity*>(arg)->current();
  SSL_CTX* target = state->ssl.get();
  if (!target) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  if (target != SSL_get_SSL_CTX(ssl)) {
    // SSL_set_SSL_CTX moves the certificate, key, CA names and verification store; the settings
    // SSL_new copied from the first context are set again from the current one.
    SSL_set_SSL_CTX(ssl, target);
    SSL_clear_options(ssl, SSL_get_options(ssl));
    SSL_set_options(ssl, SSL_CTX_get_options(target));
    SSL_set_verify(ssl, SSL_CTX_get_verify_mode(target), SSL_CTX_get_verify_callback(target));
    SSL_set_min_proto_version(ssl, SSL_CTX_get_min_proto_version(target));
    SSL_set_max_proto_version(ssl, SSL_CTX_get_max_proto_version(target));
    const TlsSettings& s = state->config.tls_settings;
    if (!s.cipher_suites.empty()) {
      auto list = openssl_cipher_list(s.cipher_suites);  // validated when the context was built
      if (list && !list->empty()) SSL_set_cipher_list(ssl, list->c_str());
    } else {
      SSL_set_cipher_list(ssl, OSSL_default_cipher_list());
    }
    std::string groups;
    for (const auto& c : s.curve_preferences) groups += (groups.empty() ? "" : ":") + curve_names().at(c);
    // Without curve_preferences: OpenSSL 3's default group list.
    SSL_set1_groups_list(ssl, groups.empty() ? "X25519:P-256:X448:P-521:P-384:ffdhe2048:ffdhe3072:ffdhe4096:"
                                               "ffdhe6144:ffdhe8192"
                                             : groups.c_str());
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

}  // namespace ifmib::server
