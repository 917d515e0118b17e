// --web.config.file parsing (exporter-toolkit format), bcrypt checks and Basic credentials.

#include "server/web_config.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "server/basic_auth.h"
#include "server/tls_context.h"
#include "server/web_security.h"
#include "tests/support/bcrypt.h"

using namespace ifmib;
using test::bcrypt_hash;
using server::ClientAuth;
using server::parse_web_config;

namespace {

std::string error_of(const std::string& yaml) {
  auto config = parse_web_config(yaml, "/etc/ifmib");
  REQUIRE_MESSAGE(!config, "parsed although it should not: " << yaml);
  return config.error().text();
}

}  // namespace

TEST_CASE("web config: every key is read, and relative paths resolve against the file's directory") {
  const std::string hash = bcrypt_hash("pw");
  const auto config = parse_web_config(R"(
tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca/clients.pem
  min_version: TLS13
  max_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
  prefer_server_cipher_suites: false
  curve_preferences: [X25519, CurveP384]
http_server_config:
  http2: false
  headers:
    X-Frame-Options: sameorigin
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  alice: ')" + hash + "'\n",
                                       "/etc/ifmib");
  REQUIRE_MESSAGE(config, config.error().text());
  CHECK(config->tls);
  const auto& t = config->tls_settings;
  CHECK(t.cert_file == "/etc/ifmib/server.crt");
  CHECK(t.key_file == "/abs/server.key");
  CHECK(t.client_ca_file == "/etc/ifmib/ca/clients.pem");
  CHECK(t.client_auth == ClientAuth::require_and_verify);
  CHECK(t.min_version == 0x0304);
  CHECK(t.max_version == 0x0304);
  CHECK(t.cipher_suites == std::vector<std::string>{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
  CHECK_FALSE(t.prefer_server_cipher_suites);
  CHECK(t.curve_preferences == std::vector<std::string>{"X25519", "CurveP384"});
  CHECK_FALSE(config->http2);
  CHECK(config->headers == std::vector<std::pair<std::string, std::string>>{
                               {"X-Frame-Options", "sameorigin"}, {"Strict-Transport-Security", "max-age=31536000"}});
  CHECK(config->users == std::map<std::string, std::string>{{"alice", hash}});
}

TEST_CASE("web config: defaults as exporter-toolkit's, an empty file means plain HTTP without users") {
  for (const char* text : {"", "# nothing\n", "tls_server_config:\n", "basic_auth_users: {}\n"}) {
    const auto config = parse_web_config(text, "/etc");
    REQUIRE_MESSAGE(config, config.error().text());
    CHECK_FALSE(config->tls);
    CHECK(config->users.empty());
    CHECK(config->http2);
    CHECK(config->tls_settings.min_version == 0x0303);
    CHECK(config->tls_settings.max_version == 0x0304);
    CHECK(config->tls_settings.prefer_server_cipher_suites);
  }
  const auto relative = parse_web_config("tls_server_config: {cert_file: a.pem, key_file: b.key}\n", "conf");
  REQUIRE(relative);
  CHECK(relative->tls_settings.cert_file == "conf/a.pem");
}

TEST_CASE("web config: unknown keys are errors that name the key and its line") {
  CHECK(error_of("tls_config:\n  cert_file: x\n").find("unknown key 'tls_config'") != std::string::npos);
  const std::string nested = error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  certfile: c\n");
  CHECK(nested.find("certfile") != std::string::npos);
  CHECK(nested.find("line 4") != std::string::npos);
  CHECK(error_of("http_server_config:\n  http3: true\n").find("http3") != std::string::npos);
  CHECK(error_of("rate_limit:\n  burst: 1\n").find("not supported") != std::string::npos);
  CHECK(error_of("tls_server_config:\n  client_allowed_sans: [a]\n").find("not supported") != std::string::npos);
  CHECK(error_of("http_server_config: {http2: true}\nhttp_server_config: {http2: false}\n").find("duplicate") !=
        std::string::npos);
}

TEST_CASE("web config: bad values are errors") {
  CHECK(error_of("basic_auth_users:\n  alice: plaintext\n").find("bcrypt") != std::string::npos);
  CHECK(error_of("basic_auth_users:\n  alice: '$1$abc$def'\n").find("bcrypt") != std::string::npos);
  // Cost 03 is below bcrypt's minimum.
  CHECK(error_of("basic_auth_users:\n  a: '$2b$03$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234'\n")
            .find("bcrypt") != std::string::npos);
  CHECK(error_of("basic_auth_users:\n  'a:b': '" + bcrypt_hash("x") + "'\n").find("':'") != std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a, key_file: b, min_version: TLS14}\n").find("TLS14") !=
        std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12}\n")
            .find("min_version") != std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a, key_file: b, client_auth_type: Maybe}\n").find("Maybe") !=
        std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a, key_file: b, client_ca_file: c}\n").find("NoClientCert") !=
        std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a}\n").find("missing key_file") != std::string::npos);
  CHECK(error_of("tls_server_config: {key_file: a}\n").find("missing cert_file") != std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a, key_file: b, curve_preferences: [P256]}\n").find("P256") !=
        std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a, key_file: b, prefer_server_cipher_suites: maybe}\n")
            .find("true or false") != std::string::npos);
  CHECK(error_of("http_server_config:\n  headers:\n    Server: x\n").find("can not be configured") !=
        std::string::npos);
  CHECK(error_of("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n").find("nosniff") !=
        std::string::npos);
  CHECK(error_of("tls_server_config: [a, b]\n").find("mapping") != std::string::npos);
  CHECK(error_of("basic_auth_users: {a: [x]}\n").find("string") != std::string::npos);
  CHECK(error_of("tls_server_config: {cert_file: a\n").find("line") != std::string::npos);  // YAML syntax
}

TEST_CASE("client_auth_type: every exporter-toolkit name") {
  const std::pair<const char*, ClientAuth> cases[] = {{"NoClientCert", ClientAuth::no_client_cert},
                                                      {"RequestClientCert", ClientAuth::request},
                                                      {"RequireAnyClientCert", ClientAuth::require_any},
                                                      {"VerifyClientCertIfGiven", ClientAuth::verify_if_given},
                                                      {"RequireAndVerifyClientCert", ClientAuth::require_and_verify}};
  for (const auto& [name, want] : cases) {
    const auto config =
        parse_web_config(std::string("tls_server_config: {cert_file: a, key_file: b, client_auth_type: ") + name + "}",
                         "/");
    REQUIRE_MESSAGE(config, config.error().text());
    CHECK(config->tls_settings.client_auth == want);
  }
  for (const char* version : {"TLS10", "TLS11", "TLS12", "TLS13"}) {
    CHECK(parse_web_config(std::string("tls_server_config: {cert_file: a, key_file: b, min_version: ") + version + "}",
                           "/"));
  }
}

TEST_CASE("bcrypt: crypt_r checks $2a$, $2b$ and $2y$ hashes, wrong, empty and NUL-carrying passwords fail") {
  const std::string hash = bcrypt_hash("correct horse");
  CHECK(server::is_bcrypt_hash(hash));
  CHECK(server::bcrypt_matches("correct horse", hash));
  CHECK_FALSE(server::bcrypt_matches("correct horsf", hash));
  CHECK_FALSE(server::bcrypt_matches("", hash));
  CHECK_FALSE(server::bcrypt_matches(std::string("correct horse\0x", 15), hash));
  for (const char* prefix : {"$2a$", "$2y$"}) {
    const std::string variant = prefix + hash.substr(4);  // same salt and digest, other prefix
    CHECK(server::is_bcrypt_hash(variant));
    CHECK(server::bcrypt_matches("correct horse", variant));
  }
  CHECK_FALSE(server::is_bcrypt_hash("$2x$" + hash.substr(4)));
  CHECK_FALSE(server::is_bcrypt_hash(hash.substr(0, 59)));
  CHECK_FALSE(server::bcrypt_matches("correct horse", "$1$salt$whatever"));
}

TEST_CASE("constant_time_equal and Basic authorization headers") {
  CHECK(server::constant_time_equal("abc", "abc"));
  CHECK_FALSE(server::constant_time_equal("abc", "abd"));
  CHECK_FALSE(server::constant_time_equal("abc", "abcd"));
  std::string user, password;
  REQUIRE(server::parse_basic_authorization("Basic YWxpY2U6c2VjcmV0", user, password));  // alice:secret
  CHECK(user == "alice");
  CHECK(password == "secret");
  REQUIRE(server::parse_basic_authorization("basic  YTpiOmM=", user, password));  // a:b:c, password holds ':'
  CHECK(user == "a");
  CHECK(password == "b:c");
  REQUIRE(server::parse_basic_authorization("Basic Og==", user, password));  // ":"
  CHECK(user.empty());
  CHECK(password.empty());
  CHECK_FALSE(server::parse_basic_authorization("Bearer YWxpY2U6c2VjcmV0", user, password));
  CHECK_FALSE(server::parse_basic_authorization("Basic YWxpY2U", user, password));     // not a multiple of 4
  CHECK_FALSE(server::parse_basic_authorization("Basic YWxp!2U6", user, password));    // bad character
  CHECK_FALSE(server::parse_basic_authorization("Basic YWxpY2U=", user, password));    // no ':'
  CHECK_FALSE(server::parse_basic_authorization("Basic YQ==YWFh", user, password));    // data after padding
  CHECK_FALSE(server::parse_basic_authorization("Basic", user, password));
}

TEST_CASE("WebSecurity: right password passes and is cached, wrong ones and unknown users fail") {
  server::WebConfig config;
  config.users["alice"] = bcrypt_hash("secret");
  config.headers = {{"X-Content-Type-Options", "nosniff"}};
  auto security = server::WebSecurity::from_config(config);
  REQUIRE_MESSAGE(security, security.error().text());
  auto& s = **security;
  CHECK_FALSE(s.tls());
  CHECK_FALSE(s.authorize(nullptr));
  CHECK_FALSE(s.authorize("Basic YWxpY2U6d3Jvbmc="));  // alice:wrong
  CHECK_FALSE(s.authorize("Basic Ym9iOnNlY3JldA=="));  // bob:secret
  CHECK(s.authorize("Basic YWxpY2U6c2VjcmV0"));        // alice:secret
  CHECK(s.authorize("Basic YWxpY2U6c2VjcmV0"));
  CHECK(s.headers() == config.headers);

  server::WebConfig open;
  auto none = server::WebSecurity::from_config(open);
  REQUIRE(none);
  CHECK((*none)->authorize(nullptr));
}

TEST_CASE("AuthCache: holds keys for (user, hash, password), not the fields themselves, and is bounded") {
  server::AuthCache cache;
  CHECK_FALSE(cache.contains("u", "h", "p"));
  cache.insert("u", "h", "p");
  CHECK(cache.contains("u", "h", "p"));
  CHECK_FALSE(cache.contains("u", "h", "q"));
  CHECK_FALSE(cache.contains("uh", "", "p"));  // fields are length-prefixed before hashing
  cache.insert("u", "h", "p");
  CHECK(cache.size() == 1);
  for (int i = 0; i < 1000; ++i) cache.insert("u", "h", std::to_string(i));
  CHECK(cache.size() <= 256);
  CHECK(cache.contains("u", "h", "999"));
}

TEST_CASE("TLS context: missing certificate or key files are clear errors") {
  server::TlsSettings settings;
  settings.cert_file = "/nonexistent/server.crt";
  settings.key_file = "/nonexistent/server.key";
  const auto ctx = server::make_tls_context(settings);
  REQUIRE_FALSE(ctx);
  CHECK(ctx.error().text().find("/nonexistent/server.crt") != std::string::npos);
}

TEST_CASE("deploy/web-config.yml parses, and its example password matches its hash") {
  std::ifstream in(std::string(IFMIB_SOURCE_DIR) + "/deploy/web-config.yml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const auto config = parse_web_config(text.str(), "/etc/ifmib_exporter");
  REQUIRE_MESSAGE(config, config.error().text());
  CHECK(config->tls);
  CHECK(config->tls_settings.cert_file == "/etc/ifmib_exporter/server.crt");
  CHECK(config->tls_settings.client_auth == ClientAuth::require_and_verify);
  REQUIRE(config->users.count("prometheus"));
  CHECK(server::bcrypt_matches("change me", config->users.at("prometheus")));
}
