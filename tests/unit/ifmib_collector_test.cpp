#include <doctest/doctest.h>

#include "collector/ether_collector.h"
#include "collector/ifmib_collector.h"
#include "tests/support/exposition.h"
#include "tests/support/fake_reader.h"
#include "tests/unit/collector_test_util.h"

using namespace ifmib;
using test::ethernet_interface;
using test::loopback_interface;

namespace {
test::Exposition collect_ifmib(test::FakeReader& reader, const collector::Options& options = {}) {
  auto families = collector::IfmibCollector(options).collect(reader);
  REQUIRE(families.ok());
  return test::render(*families);
}
}  // namespace

TEST_CASE("ifmib: every generic counter and state of an interface, with its type") {
  test::FakeReader reader;
  reader.interfaces_result = std::vector{ethernet_interface()};
  const auto out = collect_ifmib(reader);
  const test::LabelSet eth{{"device", "eth0"}};

  CHECK(out.value("ifmib_info", {{"device", "eth0"}, {"ifindex", "2"}, {"type", "ether"}, {"driver", "virtio_net"},
                                 {"alias", "uplink"}}) == 1);
  CHECK(out.value("ifmib_flags_info", {{"device", "eth0"}, {"flags", "up,broadcast,running,multicast"}}) == 1);
  CHECK(out.value("ifmib_up", eth) == 1);
  CHECK(out.value("ifmib_link_up", eth) == 1);
  CHECK(out.value("ifmib_promiscuous_listeners", eth) == 1);
  CHECK(out.value("ifmib_mtu_bytes", eth) == 1500);
  CHECK(out.value("ifmib_baudrate_bytes_per_second", eth) == 1.25e9);
  CHECK(out.value("ifmib_receive_bytes_total", eth) == 1000);
  CHECK(out.value("ifmib_transmit_bytes_total", eth) == 2000);
  CHECK(out.value("ifmib_receive_packets_total", eth) == 10);
  CHECK(out.value("ifmib_transmit_packets_total", eth) == 20);
  CHECK(out.value("ifmib_receive_errors_total", eth) == 1);
  CHECK(out.value("ifmib_transmit_errors_total", eth) == 2);
  CHECK(out.value("ifmib_receive_drops_total", eth) == 3);
  CHECK(out.value("ifmib_transmit_drops_total", eth) == 4);
  CHECK(out.value("ifmib_collisions_total", eth) == 5);
  CHECK(out.value("ifmib_receive_multicast_packets_total", eth) == 6);
  CHECK(out.value("ifmib_receive_unknown_protocol_packets_total", eth) == 7);
  CHECK(out.value("ifmib_link_changes_total", eth) == 3);

  CHECK(out.types.at("ifmib_info") == "gauge");
  CHECK(out.types.at("ifmib_receive_bytes_total") == "counter");
  CHECK(out.types.at("ifmib_link_changes_total") == "counter");
  CHECK(out.types.at("ifmib_mtu_bytes") == "gauge");
}

TEST_CASE("ifmib: absent is not zero: unknown values produce no series") {
  test::FakeReader reader;
  reader.interfaces_result = std::vector{loopback_interface()};
  const auto out = collect_ifmib(reader);
  const test::LabelSet lo{{"device", "lo"}};
  CHECK(out.value("ifmib_receive_bytes_total", lo) == 42);
  CHECK_FALSE(out.has("ifmib_link_up"));
  CHECK_FALSE(out.has("ifmib_baudrate_bytes_per_second"));
  CHECK_FALSE(out.has("ifmib_transmit_multicast_packets_total"));
  CHECK_FALSE(out.has("ifmib_receive_multicast_packets_total"));
  CHECK_FALSE(out.has("ifmib_receive_unknown_protocol_packets_total"));
  CHECK_FALSE(out.has("ifmib_link_changes_total"));
  CHECK_FALSE(out.has("ifmib_last_change_timestamp_seconds"));
  CHECK_FALSE(out.has("ifmib_promiscuous_listeners"));
  // The family is omitted entirely, not announced with no samples.
  CHECK(out.types.count("ifmib_link_up") == 0);
}

TEST_CASE("ifmib: FreeBSD-only fields: transmit multicast and last change") {
  test::FakeReader reader;
  auto i = loopback_interface();
  i.counters.tx_multicast = 9;
  i.last_change_timestamp_seconds = 1700000000.25;
  i.link_up = false;
  reader.interfaces_result = std::vector{i};
  const auto out = collect_ifmib(reader);
  CHECK(out.value("ifmib_transmit_multicast_packets_total", {{"device", "lo"}}) == 9);
  CHECK(out.value("ifmib_last_change_timestamp_seconds", {{"device", "lo"}}) == 1700000000.25);
  CHECK(out.value("ifmib_link_up", {{"device", "lo"}}) == 0);
}

TEST_CASE("ifmib: device include and exclude filters") {
  test::FakeReader reader;
  reader.interfaces_result = std::vector{ethernet_interface(), loopback_interface()};
  SUBCASE("include") {
    collector::Options options{*collector::DeviceFilter::create("^eth", ""), {}, false};
    const auto out = collect_ifmib(reader, options);
    CHECK(out.has("ifmib_up", {{"device", "eth0"}}));
    CHECK_FALSE(out.has("ifmib_up", {{"device", "lo"}}));
  }
  SUBCASE("exclude") {
    collector::Options options{*collector::DeviceFilter::create("", "^lo$"), {}, false};
    const auto out = collect_ifmib(reader, options);
    CHECK(out.has("ifmib_up", {{"device", "eth0"}}));
    CHECK_FALSE(out.has("ifmib_up", {{"device", "lo"}}));
  }
}

TEST_CASE("ifmib: hostile interface names still give valid exposition text") {
  test::FakeReader reader;
  auto quoted = loopback_interface();
  quoted.name = "v\"q\\x";
  quoted.index = 7;
  auto utf8 = loopback_interface();
  utf8.name = "br-\xC3\xA9t\xC3\xA9";  // "br-été"
  utf8.index = 8;
  auto invalid = loopback_interface();
  invalid.name = std::string("bad\xff\xfe", 5);
  invalid.index = 9;
  reader.interfaces_result = std::vector{quoted, utf8, invalid};
  const auto out = collect_ifmib(reader);
  CHECK(out.value("ifmib_receive_bytes_total", {{"device", "v\"q\\x"}}) == 42);
  CHECK(out.value("ifmib_receive_bytes_total", {{"device", "br-\xC3\xA9t\xC3\xA9"}}) == 42);
  CHECK(out.value("ifmib_receive_bytes_total", {{"device", "bad\\xFF\\xFE"}}) == 42);
}

TEST_CASE("ifmib: a reader error fails the collector with context") {
  test::FakeReader reader;
  reader.interfaces_result = platform::Error::from_errno("RTM_GETLINK dump", EPERM);
  auto families = collector::IfmibCollector({}).collect(reader);
  REQUIRE_FALSE(families.ok());
  CHECK(families.error().text() == "ifmib: RTM_GETLINK dump: Operation not permitted");
}

TEST_CASE("ether: RFC 1650 counters only where the OS reports them, only for Ethernet") {
  test::FakeReader reader;
  reader.interfaces_result = std::vector{ethernet_interface(), loopback_interface()};
  auto families = collector::EtherCollector({}).collect(reader);
  REQUIRE(families.ok());
  const auto out = test::render(*families);
  const test::LabelSet eth{{"device", "eth0"}};
  CHECK(out.value("ifmib_dot3_alignment_errors_total", eth) == 11);
  CHECK(out.value("ifmib_dot3_fcs_errors_total", eth) == 12);
  CHECK(out.value("ifmib_dot3_sqe_test_errors_total", eth) == 13);
  CHECK(out.value("ifmib_dot3_late_collisions_total", eth) == 14);
  CHECK(out.value("ifmib_dot3_excessive_collisions_total", eth) == 15);
  CHECK(out.value("ifmib_dot3_carrier_sense_errors_total", eth) == 16);
  CHECK(out.value("ifmib_dot3_internal_mac_transmit_errors_total", eth) == 17);
  CHECK(out.value("ifmib_dot3_internal_mac_receive_errors_total", eth) == 18);
  CHECK(out.value("ifmib_dot3_missed_frames_total", eth) == 19);
  CHECK_FALSE(out.has("ifmib_dot3_single_collision_frames_total"));
  CHECK_FALSE(out.has("ifmib_dot3_deferred_transmissions_total"));
  CHECK_FALSE(out.has("ifmib_dot3_collision_frequency_frames_total"));
  CHECK_FALSE(out.has("ifmib_dot3_fcs_errors_total", {{"device", "lo"}}));
  CHECK(out.types.at("ifmib_dot3_fcs_errors_total") == "counter");
}

TEST_CASE("ether: collision frequencies and chipset (FreeBSD)") {
  test::FakeReader reader;
  auto i = ethernet_interface();
  i.ether->collision_frequencies = {5, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  i.ether->chipset = (2u << 16) | 3u;
  reader.interfaces_result = std::vector{i};
  auto families = collector::EtherCollector({}).collect(reader);
  REQUIRE(families.ok());
  const auto out = test::render(*families);
  CHECK(out.value("ifmib_dot3_collision_frequency_frames_total", {{"device", "eth0"}, {"collisions", "1"}}) == 5);
  CHECK(out.value("ifmib_dot3_collision_frequency_frames_total", {{"device", "eth0"}, {"collisions", "16"}}) == 1);
  CHECK(out.find("ifmib_dot3_collision_frequency_frames_total").size() == 16);
  CHECK(out.value("ifmib_dot3_chipset_info", {{"device", "eth0"}, {"vendor", "2"}, {"part", "3"}}) == 1);
}
