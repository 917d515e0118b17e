#include <doctest/doctest.h>

#include "cmd/flags.h"

using namespace ifmib;

namespace {
std::optional<cmd::Options> parse(std::vector<std::string> args, std::string* error_out = nullptr) {
  std::string error;
  auto options = cmd::parse_flags(args, error);
  if (error_out) *error_out = error;
  return options;
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
}

TEST_CASE("flags: both --flag=value and --flag value - repeatable listen address") {
  const auto o = parse({"--web.listen-address=127.0.0.1:1", "--web.listen-address", "127.0.0.1:2",
                        "--web.telemetry-path", "/m", "--web.max-requests=3", "--log.format=json",
                        "--log.level", "debug"});
  REQUIRE(o);
  CHECK(o->listen_addresses == std::vector<std::string>{"127.0.0.1:1", "127.0.0.1:2"});
  CHECK(o->telemetry_path == "/m");
  CHECK(o->max_requests == 3);
  CHECK(o->log_format == "json");
  CHECK(o->log_level == "debug");
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
  CHECK(o->multicast_families == "inet6,link");
  o = parse({"--collector.ifmib=false"});
  REQUIRE(o);
  CHECK(o->enabled_collectors() == std::vector<std::string>{"ether", "send_queue", "multicast"});
}

TEST_CASE("flags: bad input gets one clear message") {
  std::string error;
  CHECK_FALSE(parse({"--bogus"}, &error));
  CHECK(error == "unknown flag --bogus (see --help)");
  CHECK_FALSE(parse({"--collector.nosuch"}, &error));
  CHECK(error == "unknown flag --collector.nosuch (see --help)");
  CHECK_FALSE(parse({"--web.max-requests=lots"}, &error));
  CHECK(error.find("--web.max-requests") != std::string::npos);
  CHECK_FALSE(parse({"--web.listen-address"}, &error));
  CHECK(error == "flag --web.listen-address needs a value");
  CHECK_FALSE(parse({"--log.level=loud"}, &error));
  CHECK_FALSE(parse({"--log.format=xml"}, &error));
  CHECK_FALSE(parse({"--collector.multicast.families=inet,ipx"}, &error));
  CHECK(error.find("ipx") != std::string::npos);
  CHECK_FALSE(parse({"--web.telemetry-path=metrics"}, &error));
  CHECK_FALSE(parse({"--no-web.telemetry-path"}, &error));
  CHECK_FALSE(parse({"stray"}, &error));
  CHECK_FALSE(parse({"--once", "--dump"}, &error));
  CHECK_FALSE(parse({"--collector.ifmib=maybe"}, &error));
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
