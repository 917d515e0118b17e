#include <doctest/doctest.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collector/ether_collector.h"
#include "collector/exposition_text.h"
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

  CHECK(out.value("ifmib_info", {{"device", "eth0"}, {"ifindex", "2"}, {"iftype", "ether"}, {"driver", "virtio_net"},
                                 {"alias", "uplink"}}) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "eth0"}, {"flag", "up"}}) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "eth0"}, {"flag", "broadcast"}}) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "eth0"}, {"flag", "loopback"}}) == 0);
  CHECK(out.value("ifmib_flag", {{"device", "eth0"}, {"flag", "running"}}) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "eth0"}, {"flag", "promisc"}}) == 0);
  CHECK(out.value("ifmib_flag", {{"device", "eth0"}, {"flag", "multicast"}}) == 1);
  CHECK(out.find("ifmib_flag", eth).size() == 6);
  CHECK(out.value("ifmib_admin_up", eth) == 1);
  CHECK(out.value("ifmib_oper_up", eth) == 1);
  CHECK(out.value("ifmib_oper_status", eth) == 1);
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
  CHECK(out.value("ifmib_oper_status", lo) == 4);  // unknown is a state, exported as such
  CHECK(out.value("ifmib_oper_up", lo) == 0);       // as node_network_up says for lo
  CHECK_FALSE(out.has("ifmib_baudrate_bytes_per_second"));
  CHECK_FALSE(out.has("ifmib_transmit_multicast_packets_total"));
  CHECK_FALSE(out.has("ifmib_receive_multicast_packets_total"));
  CHECK_FALSE(out.has("ifmib_receive_unknown_protocol_packets_total"));
  CHECK_FALSE(out.has("ifmib_link_changes_total"));
  CHECK_FALSE(out.has("ifmib_last_change_timestamp_seconds"));
  CHECK_FALSE(out.has("ifmib_promiscuous_listeners"));
  // The family is omitted entirely, not announced with no samples.
  CHECK(out.types.count("ifmib_baudrate_bytes_per_second") == 0);
}

TEST_CASE("ifmib: FreeBSD-only fields: transmit multicast and last change") {
  test::FakeReader reader;
  auto i = loopback_interface();
  i.counters.tx_multicast = 9;
  i.last_change_timestamp_seconds = 1700000000.25;
  reader.interfaces_result = std::vector{i};
  const auto out = collect_ifmib(reader);
  CHECK(out.value("ifmib_transmit_multicast_packets_total", {{"device", "lo"}}) == 9);
  CHECK(out.value("ifmib_last_change_timestamp_seconds", {{"device", "lo"}}) == 1700000000.25);
}

TEST_CASE("ifmib: every RFC 2863 state has its IF-MIB number, only up is oper_up, admin is separate") {
  using platform::OperStatus;
  const std::pair<OperStatus, double> states[] = {
      {OperStatus::up, 1},      {OperStatus::down, 2},        {OperStatus::testing, 3},
      {OperStatus::unknown, 4}, {OperStatus::dormant, 5},     {OperStatus::not_present, 6},
      {OperStatus::lower_layer_down, 7},
  };
  for (const auto& entry : states) {
    const OperStatus state = entry.first;  // not a structured binding: clang 14 cannot capture those
    const double number = entry.second;
    CAPTURE(platform::to_string(state));
    test::FakeReader reader;
    auto i = ethernet_interface();
    i.admin_up = false;
    i.oper_status = state;
    reader.interfaces_result = std::vector{i};
    const auto out = collect_ifmib(reader);
    CHECK(out.value("ifmib_oper_status", {{"device", "eth0"}}) == number);
    CHECK(out.value("ifmib_oper_up", {{"device", "eth0"}}) == (state == OperStatus::up ? 1 : 0));
    CHECK(out.value("ifmib_admin_up", {{"device", "eth0"}}) == 0);
  }
  CHECK(std::string(platform::to_string(OperStatus::lower_layer_down)) == "lowerlayerdown");
  CHECK(std::string(platform::to_string(OperStatus::not_present)) == "notpresent");
}

TEST_CASE("ifmib: duplex and autonegotiation where known, absent where not") {
  test::FakeReader reader;
  auto half = ethernet_interface();
  half.full_duplex = false;
  half.autonegotiation = true;
  auto full = ethernet_interface();
  full.name = "eth1";
  full.index = 3;
  full.full_duplex = true;
  full.autonegotiation = false;
  reader.interfaces_result = std::vector{half, full, loopback_interface()};
  const auto out = collect_ifmib(reader);
  CHECK(out.value("ifmib_full_duplex", {{"device", "eth0"}}) == 0);
  CHECK(out.value("ifmib_autonegotiation_enabled", {{"device", "eth0"}}) == 1);
  CHECK(out.value("ifmib_full_duplex", {{"device", "eth1"}}) == 1);
  CHECK(out.value("ifmib_autonegotiation_enabled", {{"device", "eth1"}}) == 0);
  CHECK_FALSE(out.has("ifmib_full_duplex", {{"device", "lo"}}));
  CHECK_FALSE(out.has("ifmib_autonegotiation_enabled", {{"device", "lo"}}));
}

TEST_CASE("ifmib: stacking: master by name from the same snapshot, lower by ifindex and namespace id") {
  test::FakeReader reader;
  auto bridge = loopback_interface();
  bridge.name = "br0";
  bridge.index = 5;
  auto port = ethernet_interface();
  port.master_index = 5;
  port.lower_index = 12;
  port.lower_netnsid = 1;
  auto vlan = ethernet_interface();
  vlan.name = "eth0.7";
  vlan.index = 6;
  vlan.lower_index = 2;
  vlan.master_index = 99;  // gone between the messages of the dump: no name, no series
  reader.interfaces_result = std::vector{bridge, port, vlan};
  const auto out = collect_ifmib(reader);
  CHECK(out.value("ifmib_master_info", {{"device", "eth0"}, {"master", "br0"}}) == 1);
  CHECK(out.value("ifmib_lower_info", {{"device", "eth0"}, {"lower_ifindex", "12"}, {"lower_netnsid", "1"}}) == 1);
  CHECK(out.value("ifmib_lower_info", {{"device", "eth0.7"}, {"lower_ifindex", "2"}, {"lower_netnsid", ""}}) == 1);
  CHECK_FALSE(out.has("ifmib_master_info", {{"device", "eth0.7"}}));
  CHECK_FALSE(out.has("ifmib_master_info", {{"device", "br0"}}));
  CHECK_FALSE(out.has("ifmib_lower_info", {{"device", "br0"}}));
}

TEST_CASE("ifmib: stacking_read_success only where the reader tried to read relations") {
  test::FakeReader reader;
  auto lagg = ethernet_interface();
  lagg.name = "lagg0";
  lagg.index = 8;
  lagg.stacking_read = true;
  auto vlan = ethernet_interface();
  vlan.name = "vlan1";
  vlan.index = 9;
  vlan.stacking_read = false;
  vlan.stacking_error = "SIOCGETVLAN vlan1: Operation not permitted";
  reader.interfaces_result = std::vector{loopback_interface(), lagg, vlan};
  const auto out = collect_ifmib(reader);
  CHECK(out.value("ifmib_stacking_read_success", {{"device", "lagg0"}}) == 1);
  CHECK(out.value("ifmib_stacking_read_success", {{"device", "vlan1"}}) == 0);
  CHECK_FALSE(out.has("ifmib_stacking_read_success", {{"device", "lo"}}));
}

TEST_CASE("ifmib: a flag that flips changes a value, never the set of series") {
  test::FakeReader reader;
  auto before = ethernet_interface();
  reader.interfaces_result = std::vector{before};
  const auto a = collect_ifmib(reader);
  auto after = before;
  test::set_flags(after, {"up", "broadcast", "running", "promisc", "multicast"});  // tcpdump started
  reader.interfaces_result = std::vector{after};
  const auto b = collect_ifmib(reader);
  const auto labels = [](const test::Exposition& out) {
    std::vector<test::LabelSet> sets;
    for (const auto& s : out.find("ifmib_flag")) sets.push_back(s.labels);
    return sets;
  };
  CHECK(labels(a) == labels(b));
  CHECK(a.value("ifmib_flag", {{"device", "eth0"}, {"flag", "promisc"}}) == 0);
  CHECK(b.value("ifmib_flag", {{"device", "eth0"}, {"flag", "promisc"}}) == 1);
}

TEST_CASE("ifmib: each interface gets the flags of its own flag table, also when tables alternate") {
  // The collector renders flag labels once per table; interfaces of another table (a test's
  // or another decoder's) must still get theirs.
  static constexpr std::string_view kOther[] = {"echo", "up"};
  test::FakeReader reader;
  auto eth = ethernet_interface();
  auto other = loopback_interface();
  other.name = "x0";
  other.known_flags = kOther;
  test::set_flags(other, {"echo"});
  auto lo = loopback_interface();
  reader.interfaces_result = std::vector{eth, other, lo};
  const auto out = collect_ifmib(reader);
  CHECK(out.find("ifmib_flag", {{"device", "eth0"}}).size() == 6);
  CHECK(out.find("ifmib_flag", {{"device", "x0"}}).size() == 2);
  CHECK(out.find("ifmib_flag", {{"device", "lo"}}).size() == 6);
  CHECK(out.value("ifmib_flag", {{"device", "x0"}, {"flag", "echo"}}) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "x0"}, {"flag", "up"}}) == 0);
  CHECK_FALSE(out.has("ifmib_flag", {{"device", "x0"}, {"flag", "loopback"}}));
  CHECK(out.value("ifmib_flag", {{"device", "lo"}, {"flag", "loopback"}}) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "lo"}, {"flag", "broadcast"}}) == 0);
  CHECK_FALSE(out.has("ifmib_flag", {{"device", "lo"}, {"flag", "echo"}}));
}

TEST_CASE("ifmib: device include and exclude filters") {
  test::FakeReader reader;
  reader.interfaces_result = std::vector{ethernet_interface(), loopback_interface()};
  SUBCASE("include") {
    collector::Options options{*collector::DeviceFilter::create("^eth", ""), {}, false};
    const auto out = collect_ifmib(reader, options);
    CHECK(out.has("ifmib_admin_up", {{"device", "eth0"}}));
    CHECK_FALSE(out.has("ifmib_admin_up", {{"device", "lo"}}));
  }
  SUBCASE("exclude") {
    collector::Options options{*collector::DeviceFilter::create("", "^lo$"), {}, false};
    const auto out = collect_ifmib(reader, options);
    CHECK(out.has("ifmib_admin_up", {{"device", "eth0"}}));
    CHECK_FALSE(out.has("ifmib_admin_up", {{"device", "lo"}}));
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
  reader.interfaces_result = Error::from_errno("RTM_GETLINK dump", EPERM);
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

TEST_CASE("ifmib: a flag is 1 exactly when its bit is set, unnamed flags make no series, names past 64 read 0") {
  test::FakeReader reader;
  auto eth = ethernet_interface();
  // A name the table lacks (FreeBSD's "bitN") goes to unknown_flags and makes no series.
  test::set_flags(eth, {"multicast", "bit31", "up", "promisc"});
  REQUIRE(eth.unknown_flags == std::vector<std::string>{"bit31"});
  // A table of 70 names: known_flags_set holds the first 64 (no decoder knows more: each has a
  // static_assert); a series past them exists, as for every known name, and reads 0.
  static const auto kMany = [] {
    static std::vector<std::string> names;
    for (int k = 0; k < 70; ++k) names.push_back("f" + std::to_string(k));
    static std::vector<std::string_view> views(names.begin(), names.end());
    return std::span<const std::string_view>(views);
  }();
  auto wide = loopback_interface();
  wide.name = "w0";
  wide.known_flags = kMany;
  test::set_flags(wide, {"f63", "f3", "f0"});
  reader.interfaces_result = std::vector{eth, wide};
  const auto out = collect_ifmib(reader);
  for (const std::string_view flag : test::kKnownFlags) {
    const bool on = flag == "up" || flag == "multicast" || flag == "promisc";
    CHECK(out.value("ifmib_flag", {{"device", "eth0"}, {"flag", std::string(flag)}}) == (on ? 1 : 0));
  }
  CHECK_FALSE(out.has("ifmib_flag", {{"device", "eth0"}, {"flag", "bit31"}}));
  for (int k = 0; k < 70; ++k) {
    const bool on = k == 0 || k == 3 || k == 63;
    CAPTURE(k);
    CHECK(out.value("ifmib_flag", {{"device", "w0"}, {"flag", "f" + std::to_string(k)}}) == (on ? 1 : 0));
  }
}

namespace {

// One scrape of `c` over `interfaces`: its text, and the label text its families share.
struct IfmibScrape {
  std::string text;
  std::shared_ptr<const std::string> shared;
};

IfmibScrape scrape_ifmib(const collector::IfmibCollector& c, const std::vector<platform::Interface>& interfaces) {
  test::FakeReader reader;
  reader.interfaces_result = interfaces;
  auto families = c.collect(reader);
  REQUIRE(families.ok());
  IfmibScrape out{collector::exposition_text(*families), nullptr};
  for (const auto& f : *families) {
    if (f.spec.name == "ifmib_admin_up") out.shared = f.shared;
  }
  return out;
}

}  // namespace

TEST_CASE("ifmib: label text of the last scrape serves again only for the same names and metadata") {
  auto veth = ethernet_interface();
  veth.name = "veth7";
  veth.index = 7;
  veth.driver = "veth";
  veth.alias = "";
  veth.master_index = 2;
  veth.lower_index = 8;
  veth.lower_netnsid = 1;
  const std::vector<platform::Interface> base = {ethernet_interface(), loopback_interface(), veth};
  const auto changed = [&](auto&& change) {
    auto list = base;
    change(list);
    return list;
  };
  // Each step: what a collector that keeps its last text serves, against a new collector's.
  struct Step {
    std::string what;
    std::vector<platform::Interface> interfaces;
    bool same_names;  // as the step before: the device text is the last one's object
  };
  auto quoted = base;
  quoted[1].name = "lo\"q";
  const std::vector<Step> steps = {
      {"first", base, false},
      {"again", base, true},
      {"counters moved", changed([](auto& l) { l[0].counters.rx_bytes += 1500; l[2].counters.tx_packets += 1; }), true},
      {"alias changed", changed([](auto& l) { l[0].alias = "to core"; }), true},
      {"driver changed", changed([](auto& l) { l[2].driver = "bridge"; }), true},
      {"type changed", changed([](auto& l) { l[1].type = "none"; }), true},
      {"ifindex changed", changed([](auto& l) { l[0].index = 20; }), true},
      {"lower ifindex changed", changed([](auto& l) { l[2].lower_index = 9; }), true},
      {"lower namespace gone", changed([](auto& l) { l[2].lower_netnsid.reset(); }), true},
      {"a second lower", changed([](auto& l) { l[0].lower_index = 7; l[0].lower_netnsid = 1; }), true},
      {"alias and lowers as first", base, true},
      {"renamed", changed([](auto& l) { l[2].name = "veth8"; }), false},
      {"back", base, false},
      {"one less", changed([](auto& l) { l.pop_back(); }), false},  // the last text's start matches
      {"back once more", base, false},
      {"reordered", changed([](auto& l) { std::swap(l[0], l[1]); }), false},
      {"one more", changed([](auto& l) { l.push_back(l[1]); l.back().name = "lo2"; }), false},
      {"name that needs escaping", quoted, false},
      {"the same again", quoted, true},
      {"none", {}, false},
      {"none again", {}, true},
      {"back again", base, false},
  };
  SUBCASE("every interface") {
    const collector::IfmibCollector kept{collector::Options{}};
    std::shared_ptr<const std::string> last;
    for (const auto& step : steps) {
      CAPTURE(step.what);
      const auto got = scrape_ifmib(kept, step.interfaces);
      CHECK(got.text == scrape_ifmib(collector::IfmibCollector(collector::Options{}), step.interfaces).text);
      if (!step.interfaces.empty()) {
        REQUIRE(got.shared);
        CHECK((got.shared == last) == step.same_names);
        last = got.shared;
      }
    }
  }
  SUBCASE("a device filter: the text of the interfaces it accepts") {
    const collector::Options options{*collector::DeviceFilter::create("", "^lo"), {}, false};
    const collector::IfmibCollector kept(options);
    for (const auto& step : steps) {
      CAPTURE(step.what);
      CHECK(scrape_ifmib(kept, step.interfaces).text == scrape_ifmib(collector::IfmibCollector(options), step.interfaces).text);
    }
  }
}
