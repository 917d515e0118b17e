// --web.config.file against the real binary: basic auth, SIGHUP reloads, TLS versions and client
// certificates, checked with curl. No root needed. Certificates are made at test time with openssl.

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/bcrypt.h"
#include "tests/support/linux/netns.h"

using namespace ifmib;
using test::bcrypt_hash;

namespace {

// A private directory with a CA, a server certificate for 127.0.0.1 and a client certificate.
struct Workdir {
  std::string dir;
  Workdir() {
    char tmpl[] = "/tmp/ifmib-webcfg-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
  }
  ~Workdir() { test::run_shell("rm -rf '" + dir + "'"); }
  void sh(const std::string& command) const {
    int status = 0;
    const std::string out = test::run_shell("cd '" + dir + "' && (" + command + ") 2>&1", &status);
    REQUIRE_MESSAGE(status == 0, command << ": " << out);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir + "/" + name) << text;
  }
  void make_certificates() const {
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 "
       "-subj /CN=ifmib-test-ca");
    sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr "
       "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1");
    sh("openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
       "-copy_extensions copy");
    sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr "
       "-subj /CN=prometheus");
    sh("openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2");
  }
  // `binary` on an ephemeral loopback port with this directory's web.yml.
  std::vector<std::string> serving_argv(const std::string& binary) const {
    return {binary, "--web.listen-address=127.0.0.1:0", "--web.config.file=" + dir + "/web.yml"};
  }
};

// The /metrics URL of a child started with Workdir::serving_argv, once it listens.
std::string metrics_url(const char* scheme, test::Child& child) {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(test::wait_for_port(child)) + "/metrics";
}


// The HTTP status curl got for `url` with `flags` ("000" when the connection or handshake failed).
std::string status_of(const std::string& url, const std::string& flags, const std::string& dir) {
  return test::run_shell("cd '" + dir + "' && curl -s -o /dev/null -w '%{http_code}' --max-time 10 " + flags + " '" +
                         url + "'");
}

// Waits until `count` lines containing `text` are on the child's stderr.
void wait_for_log(test::Child& child, const std::string& text, int count) {
  for (int i = 0; i < 500; ++i) {
    const std::string err = child.stderr_text();
    int n = 0;
    for (auto at = err.find(text); at != std::string::npos; at = err.find(text, at + 1)) ++n;
    if (n >= count) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("no '" << text << "' in: " << child.stderr_text());
}

}  // namespace

TEST_CASE("basic auth: 401 with WWW-Authenticate without or with wrong credentials, 200 with the right ones") {
  Workdir w;
  w.write("web.yml", "basic_auth_users:\n  alice: '" + bcrypt_hash("s3cret") + "'\n");
  test::Child child(w.serving_argv(test::exporter_binary()));
  const std::string url = metrics_url("http", child);
  CHECK(status_of(url, "", w.dir) == "401");
  CHECK(status_of(url, "-u alice:wrong", w.dir) == "401");
  CHECK(status_of(url, "-u bob:s3cret", w.dir) == "401");
  CHECK(status_of(url, "-u alice:s3cret", w.dir) == "200");
  const std::string headers = test::run_shell("curl -s -D - -o /dev/null '" + url + "'");
  CHECK_MESSAGE(headers.find("WWW-Authenticate: Basic") != std::string::npos, headers);
  CHECK(child.stop(SIGTERM) == 0);
}

TEST_CASE("SIGHUP: a bad file keeps the old configuration, a good one changes the password") {
  Workdir w;
  w.write("web.yml", "basic_auth_users:\n  alice: '" + bcrypt_hash("old") + "'\n");
  test::Child child(w.serving_argv(test::exporter_binary()));
  const std::string url = metrics_url("http", child);
  CHECK(status_of(url, "-u alice:old", w.dir) == "200");

  w.write("web.yml", "basic_auth_users:\n  alice: not-a-hash\n");
  kill(child.pid(), SIGHUP);
  wait_for_log(child, "web config reload failed", 1);
  CHECK(child.stderr_text().find("bcrypt") != std::string::npos);
  CHECK(status_of(url, "-u alice:old", w.dir) == "200");

  w.write("web.yml", "basic_auth_users:\n  alice: '" + bcrypt_hash("new") + "'\n");
  kill(child.pid(), SIGHUP);
  wait_for_log(child, "web config reloaded", 1);
  CHECK(status_of(url, "-u alice:old", w.dir) == "401");
  CHECK(status_of(url, "-u alice:new", w.dir) == "200");
  CHECK(child.stop(SIGTERM) == 0);
}

TEST_CASE("a bad web config at start-up: one line on stderr, exit 1") {
  Workdir w;
  w.write("web.yml", "tls_server_config:\n  cert_file: x.pem\n  key_file: x.key\n  colour: blue\n");
  test::Child child(w.serving_argv(test::exporter_binary()));
  CHECK(child.wait(10) == 1);
  const std::string err = child.stderr_text();
  CHECK_MESSAGE(err.find("colour") != std::string::npos, err);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  test::Child missing({test::exporter_binary(), "--web.config.file=" + w.dir + "/none.yml"});
  CHECK(missing.wait(10) == 1);
  CHECK(missing.stderr_text().find("none.yml") != std::string::npos);
}

TEST_CASE("TLS: curl --cacert completes the handshake, TLS 1.2 is refused at min_version TLS13") {
  Workdir w;
  w.make_certificates();
  const std::string binary = test::exporter_binary();
  w.write("web.yml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS13\n");
  test::Child child(w.serving_argv(binary));
  const std::string url = metrics_url("https", child);
  CHECK(status_of(url, "--cacert ca.pem", w.dir) == "200");
  CHECK(status_of(url, "", w.dir) == "000");  // unknown CA
  CHECK(status_of(url, "--cacert ca.pem --tls-max 1.2", w.dir) == "000");
  CHECK(status_of(url, "--cacert ca.pem --tlsv1.3", w.dir) == "200");
  CHECK(child.stop(SIGTERM) == 0);
}

TEST_CASE("TLS: RequireAndVerifyClientCert refuses clients without a certificate from the CA") {
  Workdir w;
  w.make_certificates();
  const std::string binary = test::exporter_binary();
  w.write("web.yml",
          "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
          "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n");
  test::Child child(w.serving_argv(binary));
  const std::string url = metrics_url("https", child);
  CHECK(status_of(url, "--cacert ca.pem", w.dir) == "000");
  CHECK(status_of(url, "--cacert ca.pem --cert server.pem --key server.key", w.dir) == "200");  // same CA
  CHECK(status_of(url, "--cacert ca.pem --cert client.pem --key client.key", w.dir) == "200");
  // A self-signed client certificate is not from the CA.
  w.sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.pem "
       "-days 2 -subj /CN=rogue");
  CHECK(status_of(url, "--cacert ca.pem --cert rogue.pem --key rogue.key", w.dir) == "000");
  CHECK(child.stop(SIGTERM) == 0);
}

// A reload moves each new handshake to the new context (LiveTlsContext). SSL_set_SSL_CTX does not
// carry the cipher list or the groups, so the client-hello switch sets them again: this checks
// that a reloaded cipher_suites and curve_preferences hold, TLS 1.2 only (TLS 1.3 suites are not
// configurable, as in Go).
TEST_CASE("SIGHUP under TLS: the next handshakes use the new cipher_suites and curve_preferences") {
  Workdir w;
  w.make_certificates();
  const std::string tls = "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  max_version: TLS12\n";
  w.write("web.yml", tls + "  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n");
  test::Child child(w.serving_argv(test::exporter_binary()));
  const std::string url = metrics_url("https", child);
  const std::string aes128 = "--cacert ca.pem --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256";
  const std::string aes256 = "--cacert ca.pem --tls-max 1.2 --ciphers ECDHE-ECDSA-AES256-GCM-SHA384";
  CHECK(status_of(url, aes128, w.dir) == "200");
  CHECK(status_of(url, aes256, w.dir) == "000");
  CHECK(status_of(url, aes128 + " --curves P-256", w.dir) == "200");

  w.write("web.yml", tls + "  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n"
                           "  curve_preferences: [CurveP384]\n");
  kill(child.pid(), SIGHUP);
  wait_for_log(child, "web config reloaded", 1);
  CHECK(status_of(url, aes256, w.dir) == "200");
  CHECK(status_of(url, aes128, w.dir) == "000");
  // P-256 stays offered: under TLS 1.2 the client's groups also bound the server's ECDSA P-256 key.
  CHECK(status_of(url, aes256 + " --curves P-384:P-256", w.dir) == "200");
  CHECK(status_of(url, aes256 + " --curves P-256", w.dir) == "000");
  // A second reload back: the switch also works from a context that is not the first one.
  w.write("web.yml", tls + "  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n");
  kill(child.pid(), SIGHUP);
  wait_for_log(child, "web config reloaded", 2);
  CHECK(status_of(url, aes128 + " --curves P-256", w.dir) == "200");
  CHECK(status_of(url, aes256, w.dir) == "000");
  CHECK(child.stop(SIGTERM) == 0);
}

// Prometheus scrapes every 15 s to 1 min and keeps its connection in between; under TLS a new
// connection is a new handshake. curl runs three transfers 15 s apart (--rate 4/m) and reports
// for each how many connections it had to open (%{num_connects}): 1 for the first, 0 when it
// reused that connection, so the three scrapes made one TCP connection and one handshake.
TEST_CASE("TLS keep-alive: scrapes 15 s apart reuse one connection, one handshake") {
  Workdir w;
  w.make_certificates();
  w.write("web.yml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n");
  test::Child child(w.serving_argv(test::exporter_binary()));
  const std::string url = metrics_url("https", child);
  const std::string out = test::run_shell("cd '" + w.dir + "' && curl -s --cacert ca.pem --max-time 60 --rate 4/m " +
                                          "-w '%{http_code}/%{num_connects} ' -o /dev/null -o /dev/null -o /dev/null '" +
                                          url + "' '" + url + "' '" + url + "'");
  CHECK(out == "200/1 200/0 200/0 ");
  CHECK(child.stop(SIGTERM) == 0);
}
