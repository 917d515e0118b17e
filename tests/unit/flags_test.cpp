#include <doctest/doctest.h>

#include "cmd/flags.h"

using namespace ifmib;
using namespace std::chrono_literals;

namespace {
Result<cmd::Options> parse(std::vector<std::string> args) { return cmd::parse_flags(args); }

// The one-line message a bad command line gets; fails the test if the line parsed.
std::string error_of(std::vector<std::string> args) {
  const auto options = cmd::parse_flags(args);
  REQUIRE_MESSAGE(!options, "parsed although it should not");
  return options.error().text();
}
}  // namespace

TEST_CASE("flags: defaults") {
  const auto o = parse({});
  REQUIRE(o);
  CHECK(o->listen_addresses == std::vector<std::string>{":10027"});
  CHECK(o->telemetry_path == "/metrics");
  CHECK(o->max_requests == 40);
  CHECK(o->enabled_collectors() == std::vector<std::string>{"ifmib", "ether", "send_queue", "multicast"});
  CHECK_FALSE(o->multicast_groups);
  CHECK((o->multicast_families.inet && o->multicast_families.inet6 && o->multicast_families.link));
  CHECK_FALSE(o->multicast_families.users);
  CHECK(o->netns_max == 256);
  CHECK(o->netns_timeout == 10s);
  CHECK(o->log_level == log::Level::info);
  CHECK(o->log_format == log::Format::logfmt);
}

TEST_CASE("flags: both --flag=value and --flag value - repeatable listen address") {
  const auto o = parse({"--web.listen-address=127.0.0.1:1", "--web.listen-address", "127.0.0.1:2",
                        "--web.telemetry-path", "/m", "--web.max-requests=3", "--log.format=json",
                        "--log.level", "debug"});
  REQUIRE(o);
  CHECK(o->listen_addresses == std::vector<std::string>{"127.0.0.1:1", "127.0.0.1:2"});
  CHECK(o->telemetry_path == "/m");
  CHECK(o->max_requests == 3);
  CHECK(o->log_format == log::Format::json);
  CHECK(o->log_level == log::Level::debug);
  CHECK(parse({"--log.level=warn"})->log_level == log::Level::warn);
  CHECK(parse({"--log.level=error"})->log_level == log::Level::error);
}

TEST_CASE("flags: --collector.X, --no-collector.X and --collector.disable-defaults") {
  auto o = parse({"--no-collector.ether", "--no-collector.multicast"});
  REQUIRE(o);
  CHECK(o->enabled_collectors() == std::vector<std::string>{"ifmib", "send_queue"});
  o = parse({"--collector.disable-defaults", "--collector.send_queue"});
  REQUIRE(o);
  CHECK(o->enabled_collectors() == std::vector<std::string>{"send_queue"});
  o = parse({"--collector.multicast.groups", "--collector.multicast.families=inet6,link"});
  REQUIRE(o);
  CHECK(o->multicast_groups);
  CHECK_FALSE(o->multicast_families.inet);
  CHECK(o->multicast_families.inet6);
  CHECK(o->multicast_families.link);
  o = parse({"--collector.ifmib=false"});
  REQUIRE(o);
  CHECK(o->enabled_collectors() == std::vector<std::string>{"ether", "send_queue", "multicast"});
  o = parse({"--collector.netns", "--no-collector.netns", "--web.disable-exporter-metrics=1", "--once=true"});
  REQUIRE(o);
  CHECK_FALSE(o->netns);
  CHECK(o->disable_exporter_metrics);
  CHECK(o->once);
}

TEST_CASE("flags: typed values - durations, whole numbers and their bounds") {
  CHECK(parse({"--collector.netns.timeout=500ms"})->netns_timeout == 500ms);
  CHECK(parse({"--collector.netns.timeout", "2s"})->netns_timeout == 2s);
  CHECK(parse({"--collector.netns.timeout=3600s"})->netns_timeout == 1h);
  CHECK(parse({"--collector.netns.timeout=3600000ms"})->netns_timeout == 1h);
  const std::string want = "--collector.netns.timeout wants a duration such as 10s or 500ms (at most 1h): ";
  for (const char* bad : {"3601s", "3600001ms", "0s", "10", "s", "ms", "1.5s", "-1s", "10m"}) {
    CHECK(error_of({std::string("--collector.netns.timeout=") + bad}) == want + bad);
  }
  CHECK(parse({"--collector.netns.max=1"})->netns_max == 1);
  CHECK(parse({"--web.max-requests=0"})->max_requests == 0);
  CHECK(error_of({"--collector.netns.max=0"}) == "--collector.netns.max wants a whole number from 1 to 100000: 0");
  CHECK(error_of({"--web.max-requests=10001"}) == "--web.max-requests wants a whole number from 0 to 10000: 10001");
}

TEST_CASE("flags: bad input gets one clear message") {
  CHECK(error_of({"--bogus"}) == "unknown flag --bogus (see --help)");
  CHECK(error_of({"--collector.nosuch"}) == "unknown flag --collector.nosuch (see --help)");
  CHECK(error_of({"--web.max-requests=lots"}) == "--web.max-requests wants a whole number from 0 to 10000: lots");
  CHECK(error_of({"--web.listen-address"}) == "flag --web.listen-address needs a value");
  CHECK(error_of({"--log.level=loud"}) == "--log.level must be debug, info, warn or error: loud");
  CHECK(error_of({"--log.format=xml"}) == "--log.format must be logfmt or json: xml");
  CHECK(error_of({"--collector.multicast.families=inet,ipx"}) ==
        "--collector.multicast.families: unknown family 'ipx' (want inet, inet6, link)");
  CHECK(error_of({"--collector.multicast.families="}) ==
        "--collector.multicast.families needs at least one of inet, inet6, link");
  CHECK(error_of({"--web.telemetry-path=metrics"}) == "--web.telemetry-path must start with '/': metrics");
  CHECK(error_of({"--no-web.telemetry-path"}) == "unknown flag --no-web.telemetry-path (see --help)");
  CHECK(error_of({"stray"}) == "unexpected argument 'stray' (flags start with --; see --help)");
  CHECK(error_of({"--once", "--dump"}) == "--once and --dump cannot be used together");
  CHECK(error_of({"--collector.ifmib=maybe"}) == "flag --collector.ifmib takes no value or true/false, got 'maybe'");
  CHECK(error_of({"--no-collector.ifmib=true"}) ==
        "flag --no-collector.ifmib takes no value or true/false, got 'true'");
}

TEST_CASE("flags: --help lists every flag, including generated collector flags") {
  const std::string usage = cmd::usage_text();
  for (const char* flag : {"--web.listen-address", "--web.telemetry-path", "--web.max-requests",
                           "--web.disable-exporter-metrics", "--collector.disable-defaults",
                           "--collector.device-include", "--collector.device-exclude", "--[no-]collector.ifmib",
                           "--[no-]collector.ether", "--[no-]collector.send_queue", "--[no-]collector.multicast",
                           "--[no-]collector.multicast.groups", "--collector.multicast.families", "--log.level",
                           "--log.format", "--once", "--dump", "--version", "--help"}) {
    CHECK_MESSAGE(usage.find(flag) != std::string::npos, flag);
  }
}

TEST_CASE("flags: --help shows the defaults parse_flags applies") {
  const std::string usage = cmd::usage_text();
  for (const char* shown : {"=VALUE\n      Address to listen on for HTTP requests; repeat the flag for several "
                            "addresses. (default: :10027)",
                            "(default: /metrics)", "(default: 40)", "(default: 256)", "(default: 10s)",
                            "(default: inet,inet6,link)", "(default: info)", "(default: logfmt)"}) {
    CHECK_MESSAGE(usage.find(shown) != std::string::npos, shown);
  }
  CHECK(usage.find("--web.config.file=VALUE\n      Path to a configuration file that can enable TLS or "
                   "authentication (exporter-toolkit format); re-read on SIGHUP.\n") != std::string::npos);
}
