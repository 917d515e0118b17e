// The exporter as a process: start-up errors, signals, --once and --dump. No root needed.

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/support/exposition.h"
#include "tests/support/linux/netns.h"

using namespace ifmib;

namespace {

// Runs the exporter with `args` and expects it to exit quickly with status 1 and one line on stderr.
std::string expect_startup_failure(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {test::exporter_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  test::Child child(argv);
  const int status = child.wait(10);
  const std::string err = child.stderr_text();
  CHECK_MESSAGE(status == 1, "exit " << status << ": " << err);
  CHECK_MESSAGE(err.rfind("ifmib_exporter: ", 0) == 0, err);
  CHECK_MESSAGE(std::count(err.begin(), err.end(), '\n') == 1, err);
  return err;
}


}  // namespace

TEST_CASE("bad flags, a bad regex and a bad IPv6 address: one line, exit 1") {
  CHECK(expect_startup_failure({"--no-such-flag"}).find("--no-such-flag") != std::string::npos);
  CHECK(expect_startup_failure({"--collector.device-include=("}).find("regular expression") != std::string::npos);
  CHECK(expect_startup_failure({"--web.listen-address=[::zz]:0"}).find("IPv6") != std::string::npos);
  CHECK(expect_startup_failure({"--web.listen-address=nonsense"}).find("nonsense") != std::string::npos);
  CHECK(expect_startup_failure({"--collector.multicast.families=ipx"}).find("ipx") != std::string::npos);
}

TEST_CASE("IPv6: [::1]:PORT is served beside 127.0.0.1 and logged as [::1]:PORT") {
  test::Netns ns;
  test::ExporterInNetns exporter(ns, 9481, {"--web.listen-address=[::1]:9482"});
  CHECK(exporter.process().stderr_text().find("address=[::1]:9482") != std::string::npos);
  const std::string out = ns.sh("curl -s -g -o /dev/null -w '%{http_code}' 'http://[::1]:9482/-/healthy'");
  CHECK(out == "200");
}

TEST_CASE("a port in use: clear error, exit 1") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(fd, 1) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  const std::string err = expect_startup_failure({"--web.listen-address=127.0.0.1:" + port});
  CHECK(err.find("cannot listen") != std::string::npos);
  close(fd);
}

TEST_CASE("SIGTERM and SIGINT finish and exit 0, and the log is logfmt or JSON as asked") {
  for (int signal : {SIGTERM, SIGINT}) {
    test::Child child({test::exporter_binary(), "--web.listen-address=127.0.0.1:0"});
    CHECK(test::wait_for_port(child) > 0);
    CHECK(child.stop(signal) == 0);
    CHECK(child.stderr_text().find("msg=stopped") != std::string::npos);
  }
  test::Child json_log({test::exporter_binary(), "--web.listen-address=127.0.0.1:0", "--log.format=json"});
  for (int i = 0; i < 200 && json_log.stderr_text().find("listening") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(json_log.stop(SIGTERM) == 0);
  std::istringstream lines(json_log.stderr_text());
  int parsed = 0;
  for (std::string line; std::getline(lines, line); ++parsed) {
    const auto j = nlohmann::json::parse(line);
    CHECK(j.contains("ts"));
    CHECK(j.contains("level"));
    CHECK(j.contains("msg"));
  }
  CHECK(parsed >= 3);
}

TEST_CASE("--once prints valid exposition text and --dump prints the snapshot as JSON") {
  test::Child once({test::exporter_binary(), "--once", "--collector.multicast.groups"});
  REQUIRE(once.wait(20) == 0);
  auto text = test::parse_exposition(once.stdout_text());
  REQUIRE(text.ok());
  CHECK(text->has("ifmib_receive_bytes_total", {{"device", "lo"}}));
  CHECK(text->value("ifmib_scrape_collector_success", {{"collector", "ifmib"}}) == 1);

  test::Child dump({test::exporter_binary(), "--dump"});
  REQUIRE(dump.wait(20) == 0);
  const auto j = nlohmann::json::parse(dump.stdout_text());
  CHECK(j["errors"].empty());
  bool has_lo = false;
  for (const auto& i : j["interfaces"]) has_lo |= i["name"] == "lo";
  CHECK(has_lo);
  CHECK(j.contains("send_queues"));
  CHECK(j["multicast"].contains("groups"));
}

TEST_CASE("--version and --help exit 0") {
  test::Child version({test::exporter_binary(), "--version"});
  CHECK(version.wait(10) == 0);
  CHECK(version.stdout_text().find("ifmib_exporter, version ") == 0);
  test::Child help({test::exporter_binary(), "--help"});
  CHECK(help.wait(10) == 0);
  CHECK(help.stdout_text().find("--web.listen-address") != std::string::npos);
}
