#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string_view>
#include <vector>

namespace ifmib::server {

namespace {

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
// The throwaway context lists every suite this OpenSSL has; once per configuration, never per handshake.
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
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive in libstdc++'s
    // inlined concatenation) on ":" + std::string(...).
    if (!list.empty()) list += ':';
    list += SSL_CIPHER_get_name(match);
  }
  return list;
}

// OpenSSL's group names for Go's curve names (checked by parse_web_config). Without
// curve_preferences: OpenSSL 3's default group list.
std::string openssl_groups(const std::vector<std::string>& go_names) {
  if (go_names.empty()) return "X25519:P-256:X448:P-521:P-384:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192";
  std::string groups;
  for (const auto& c : go_names) groups += (groups.empty() ? "" : ":") + curve_group_names().at(c);
  return groups;
}

// Accepts any certificate or none: RequestClientCert / RequireAnyClientCert ask for a
// certificate but, as in Go, do not verify it.
int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

Result<TlsContext> make_tls_context(const TlsSettings& s) {
  ERR_clear_error();
  TlsContext out;
  out.ssl = SslContext(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!out.ssl) return Error::invalid("TLS", openssl_errors());
  SSL_CTX* raw = out.ssl.get();
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
  out.groups = openssl_groups(s.curve_preferences);
  if (!s.curve_preferences.empty() && SSL_CTX_set1_groups_list(raw, out.groups.c_str()) != 1) {
    return Error::invalid("curve_preferences", openssl_errors());
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
  return out;
}

LiveTlsContext::LiveTlsContext(TlsContext first)
    : front_(first.ssl), current_(std::make_shared<const TlsContext>(std::move(first))) {
  SSL_CTX_set_client_hello_cb(front_.get(), &LiveTlsContext::on_client_hello, this);
}

void LiveTlsContext::replace(TlsContext next) {
  auto ready = std::make_shared<const TlsContext>(std::move(next));
  std::lock_guard lock(mutex_);
  current_ = std::move(ready);
}

std::shared_ptr<const TlsContext> LiveTlsContext::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

ssl_ctx_st* LiveTlsContext::acquire_front() {
  SSL_CTX_up_ref(front_.get());
  return front_.get();
}

int LiveTlsContext::on_client_hello(::ssl_st* ssl, int* alert, void* arg) {
  const auto target = static_cast<LiveTlsContext*>(arg)->current();
  SSL_CTX* ctx = target->ssl.get();
  if (!ctx) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  if (ctx != SSL_get_SSL_CTX(ssl)) {
    // SSL_set_SSL_CTX moves the certificate, key, CA names and verification store. What SSL_new
    // copied from the first context is set again from this one. The TLS 1.0-1.2 cipher list needs
    // nothing: SSL_new gives the connection none of its own, and SSL_get_ciphers falls back to its
    // current context's (OpenSSL ssl/ssl_lib.c: SSL_new, SSL_get_ciphers). The test "SIGHUP under
    // TLS" (tests/integration/web_config_test.cpp) checks ciphers and groups after a reload.
    SSL_set_SSL_CTX(ssl, ctx);
    SSL_clear_options(ssl, SSL_get_options(ssl));
    SSL_set_options(ssl, SSL_CTX_get_options(ctx));
    SSL_set_verify(ssl, SSL_CTX_get_verify_mode(ctx), SSL_CTX_get_verify_callback(ctx));
    SSL_set_min_proto_version(ssl, SSL_CTX_get_min_proto_version(ctx));
    SSL_set_max_proto_version(ssl, SSL_CTX_get_max_proto_version(ctx));
    SSL_set1_groups_list(ssl, target->groups.c_str());
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

}  // namespace ifmib::server
