// Tests for platform/linux/link_dump_parser: captured RTM_NEWLINK bytes (see
// tests/unit/fixtures/linux/README.md, "netlink dump fixtures") and hand-built edge cases.

#include "platform/linux/link_dump_parser.h"

#include <doctest/doctest.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include "tests/support/fixtures.h"
#include "tests/unit/linux/netlink_test_builder.h"

namespace netlink = ifmib::platform::netlink;
using ifmib::platform::EtherStats;
using ifmib::platform::OperStatus;
using ifmib::test::concat;
using ifmib::test::NetlinkMessage;

namespace {

using Flags = std::vector<std::string>;

EtherStats zero_ether() {
  EtherStats e;
  e.alignment_errors = e.fcs_errors = e.sqe_test_errors = e.late_collisions = e.excessive_collisions =
      e.carrier_sense_errors = e.internal_mac_transmit_errors = e.internal_mac_receive_errors = e.missed_frames = 0;
  return e;
}

ifinfomsg ifinfo(int index, std::uint16_t type = ARPHRD_ETHER, unsigned flags = IFF_UP | IFF_BROADCAST) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_type = type;
  ifi.ifi_index = index;
  ifi.ifi_flags = flags;
  return ifi;
}

// Distinct values per field so a swapped field shows up.
rtnl_link_stats64 numbered_stats64() {
  rtnl_link_stats64 s{};
  s.rx_packets = 1; s.tx_packets = 2; s.rx_bytes = 3; s.tx_bytes = 4; s.rx_errors = 5; s.tx_errors = 6;
  s.rx_dropped = 7; s.tx_dropped = 8; s.multicast = 9; s.collisions = 10; s.rx_length_errors = 11;
  s.rx_over_errors = 12; s.rx_crc_errors = 13; s.rx_frame_errors = 14; s.rx_fifo_errors = 15;
  s.rx_missed_errors = 16; s.tx_aborted_errors = 17; s.tx_carrier_errors = 18; s.tx_fifo_errors = 19;
  s.tx_heartbeat_errors = 20; s.tx_window_errors = 21; s.rx_compressed = 22; s.tx_compressed = 23;
  s.rx_nohandler = 24; s.rx_otherhost_dropped = 25;
  return s;
}

rtnl_link_stats numbered_stats32() {
  rtnl_link_stats s{};
  s.rx_packets = 101; s.tx_packets = 102; s.rx_bytes = 103; s.tx_bytes = 104; s.rx_errors = 105;
  s.tx_errors = 106; s.rx_dropped = 107; s.tx_dropped = 108; s.multicast = 109; s.collisions = 110;
  s.rx_crc_errors = 113; s.rx_frame_errors = 114; s.rx_fifo_errors = 115; s.rx_missed_errors = 116;
  s.tx_aborted_errors = 117; s.tx_carrier_errors = 118; s.tx_fifo_errors = 119; s.tx_heartbeat_errors = 120;
  s.tx_window_errors = 121; s.rx_nohandler = 124;
  return s;
}

// A minimal valid link message: name + full stats64.
NetlinkMessage basic_link(int index, const std::string& name, std::uint16_t type = ARPHRD_ETHER) {
  NetlinkMessage m(RTM_NEWLINK);
  m.family_header(ifinfo(index, type)).attr_string(IFLA_IFNAME, name);
  return m;
}

}  // namespace

TEST_CASE("link dump: captured veth namespace (fixture netlink_link_dump.bin)") {
  const auto bytes = ifmib::test::read_fixture_bytes("linux/netlink_link_dump.bin");
  const auto rows = netlink::parse_link_dump(bytes);
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  REQUIRE(rows->size() == 5);

  // Expected values: `ip -j -s -s -d link show` at capture time (netlink_capture_ip_link.json).
  // ip does not print IFF_RUNNING; the kernel sets it while the device is up with carrier.
  SUBCASE("lo: operstate UNKNOWN stays unknown (ip -j: \"operstate\":\"UNKNOWN\")") {
    const auto& lo = rows->at(0);
    CHECK(lo.interface.name == "lo");
    CHECK(lo.interface.index == 1);
    CHECK(lo.interface.type == "loopback");
    CHECK(lo.arphrd == ARPHRD_LOOPBACK);
    CHECK(lo.interface.admin_up);
    CHECK(lo.interface.oper_status == OperStatus::unknown);
    CHECK(lo.interface.known_flags.data() == netlink::known_link_flags().data());  // the static table
    CHECK(ifmib::platform::set_flag_names(lo.interface) == Flags{"up", "loopback", "running", "lower_up"});
    CHECK(lo.interface.mtu == 65536u);
    CHECK(lo.interface.tx_queue_length == 1000u);
    CHECK(lo.interface.link_changes == 0u);
    CHECK(lo.interface.promiscuous_listeners == 0u);
    CHECK(lo.interface.counters.rx_bytes == 0);
    CHECK(lo.interface.counters.tx_packets == 0);
    CHECK(lo.interface.counters.rx_unknown_protocol == 0u);  // 6.18 sends rx_nohandler
    CHECK_FALSE(lo.interface.ether.has_value());
    CHECK(lo.kind.empty());
    CHECK(lo.interface.alias.empty());
  }
  SUBCASE("va: veth with alias, mtu 1400, traffic") {
    const auto& va = rows->at(1);
    CHECK(va.interface.name == "va");
    CHECK(va.interface.index == 2);
    CHECK(va.interface.type == "ether");
    CHECK(va.kind == "veth");
    CHECK(va.interface.alias == "uplink \"A\" \\ left");
    CHECK(va.interface.admin_up);
    CHECK(va.interface.oper_status == OperStatus::up);
    CHECK(ifmib::platform::set_flag_names(va.interface) == Flags{"up", "broadcast", "running", "multicast", "lower_up"});
    CHECK(va.interface.mtu == 1400u);
    CHECK(va.interface.tx_queue_length == 1000u);
    CHECK(va.interface.link_changes == 2u);
    CHECK(va.interface.counters.rx_bytes == 5122);
    CHECK(va.interface.counters.rx_packets == 13);
    CHECK(va.interface.counters.tx_bytes == 11110);
    CHECK(va.interface.counters.tx_packets == 19);
    CHECK(va.interface.counters.rx_errors == 0);
    CHECK(va.interface.counters.tx_dropped == 0);  // tbf's 393 drops are the qdisc's, not the device's
    CHECK(va.interface.counters.rx_multicast == 0u);
    CHECK(va.interface.ether == zero_ether());
    CHECK(va.interface.driver.empty());  // filled by the reader, not the parser
  }
  SUBCASE("v\"q\\x: hostile name kept byte for byte") {
    const auto& q = rows->at(2);
    CHECK(q.interface.name == "v\"q\\x");
    CHECK(q.interface.index == 3);
    CHECK(q.interface.counters.rx_bytes == 2762);
    CHECK(q.interface.counters.rx_packets == 9);
    CHECK(q.interface.counters.tx_bytes == 4858);
    CHECK(q.interface.counters.tx_packets == 13);
    CHECK(q.interface.mtu == 1500u);
    CHECK(q.interface.link_changes == 2u);
  }
  SUBCASE("vé-x: administratively down") {
    const auto& x = rows->at(3);
    CHECK(x.interface.name == "v\xc3\xa9-x");
    CHECK(x.interface.index == 4);
    CHECK_FALSE(x.interface.admin_up);
    CHECK(x.interface.oper_status == OperStatus::down);  // IF_OPER_DOWN
    CHECK(ifmib::platform::set_flag_names(x.interface) == Flags{"broadcast", "multicast"});
    CHECK(x.interface.link_changes == 1u);
  }
  SUBCASE("vé: up, peer down (LOWERLAYERDOWN), txqueuelen 321") {
    const auto& e = rows->at(4);
    CHECK(e.interface.name == "v\xc3\xa9");
    CHECK(e.interface.index == 5);
    CHECK(e.interface.admin_up);
    CHECK(e.interface.oper_status == OperStatus::lower_layer_down);
    CHECK(ifmib::platform::set_flag_names(e.interface) == Flags{"up", "broadcast", "multicast"});
    CHECK(e.interface.tx_queue_length == 321u);
    CHECK(e.interface.counters.tx_packets == 0);
  }
}

TEST_CASE("link dump: empty input is an empty dump") {
  const auto rows = netlink::parse_link_dump(std::span<const std::uint8_t>());
  REQUIRE(rows);
  CHECK(rows->empty());
}

TEST_CASE("link dump: every stats64 field lands in its place, unknown attributes are ignored") {
  const auto stats = numbered_stats64();
  const std::uint32_t future = 0xdeadbeef;
  const auto bytes = basic_link(7, "eth7")
                         .attr_value(IFLA_STATS64, stats)
                         .attr_value<std::uint32_t>(IFLA_MTU, 9000)
                         .attr_value<std::uint8_t>(IFLA_OPERSTATE, IF_OPER_UP)
                         .attr_value(static_cast<std::uint16_t>(IFLA_MAX + 20), future)  // newer kernel
                         .attr_value(IFLA_GROUP, future)                                 // known, unused
                         .bytes();
  const auto rows = netlink::parse_link_dump(bytes);
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  REQUIRE(rows->size() == 1);
  const auto& i = rows->at(0).interface;
  CHECK(i.index == 7);
  CHECK(i.mtu == 9000u);
  CHECK(i.oper_status == OperStatus::up);
  CHECK(i.counters.rx_packets == 1);
  CHECK(i.counters.tx_packets == 2);
  CHECK(i.counters.rx_bytes == 3);
  CHECK(i.counters.tx_bytes == 4);
  CHECK(i.counters.rx_errors == 5);
  CHECK(i.counters.tx_errors == 6);
  CHECK(i.counters.rx_dropped == 7);
  CHECK(i.counters.tx_dropped == 8);
  CHECK(i.counters.rx_multicast == 9u);
  CHECK(i.counters.collisions == 10);
  CHECK(i.counters.rx_unknown_protocol == 24u);
  CHECK_FALSE(i.counters.tx_multicast.has_value());
  REQUIRE(i.ether.has_value());
  CHECK(i.ether->fcs_errors == 13u);
  CHECK(i.ether->alignment_errors == 14u);
  CHECK(i.ether->internal_mac_receive_errors == 15u);
  CHECK(i.ether->missed_frames == 16u);
  CHECK(i.ether->excessive_collisions == 17u);
  CHECK(i.ether->carrier_sense_errors == 18u);
  CHECK(i.ether->internal_mac_transmit_errors == 19u);
  CHECK(i.ether->sqe_test_errors == 20u);
  CHECK(i.ether->late_collisions == 21u);
  CHECK_FALSE(i.ether->single_collision_frames.has_value());
  CHECK(i.ether->collision_frequencies.empty());
}

TEST_CASE("link dump: 64-bit stats win over 32-bit ones") {
  const auto bytes =
      basic_link(2, "a").attr_value(IFLA_STATS, numbered_stats32()).attr_value(IFLA_STATS64, numbered_stats64()).bytes();
  const auto rows = netlink::parse_link_dump(bytes);
  REQUIRE(rows);
  CHECK(rows->at(0).interface.counters.rx_bytes == 3);
}

TEST_CASE("link dump: 32-bit IFLA_STATS alone is used") {
  SUBCASE("with rx_nohandler (96 bytes)") {
    const auto rows = netlink::parse_link_dump(basic_link(2, "a").attr_value(IFLA_STATS, numbered_stats32()).bytes());
    REQUIRE(rows);
    const auto& i = rows->at(0).interface;
    CHECK(i.counters.rx_bytes == 103);
    CHECK(i.counters.tx_packets == 102);
    CHECK(i.counters.collisions == 110);
    CHECK(i.counters.rx_unknown_protocol == 124u);
    CHECK(i.ether->late_collisions == 121u);
  }
  SUBCASE("original 23-field struct (92 bytes): rx_nohandler absent, not zero") {
    const auto s = numbered_stats32();
    const auto rows =
        netlink::parse_link_dump(basic_link(2, "a").attr(IFLA_STATS, &s, offsetof(rtnl_link_stats, rx_nohandler)).bytes());
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    CHECK(rows->at(0).interface.counters.rx_bytes == 103);
    CHECK_FALSE(rows->at(0).interface.counters.rx_unknown_protocol.has_value());
  }
}

TEST_CASE("link dump: short stats64 from an older kernel") {
  const auto s = numbered_stats64();
  SUBCASE("23 fields: rx_nohandler absent") {
    const auto rows = netlink::parse_link_dump(
        basic_link(3, "old").attr(IFLA_STATS64, &s, offsetof(rtnl_link_stats64, rx_nohandler)).bytes());
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    CHECK(rows->at(0).interface.counters.tx_bytes == 4);
    CHECK_FALSE(rows->at(0).interface.counters.rx_unknown_protocol.has_value());
  }
  SUBCASE("24 fields (4.6 .. 5.18): rx_nohandler present") {
    const auto rows = netlink::parse_link_dump(
        basic_link(3, "old").attr(IFLA_STATS64, &s, offsetof(rtnl_link_stats64, rx_otherhost_dropped)).bytes());
    REQUIRE(rows);
    CHECK(rows->at(0).interface.counters.rx_unknown_protocol == 24u);
  }
  SUBCASE("fewer than 23 fields is an error") {
    const auto rows = netlink::parse_link_dump(basic_link(3, "bad").attr(IFLA_STATS64, &s, 22 * 8).bytes());
    REQUIRE_FALSE(rows);
    CHECK(rows.error().text().find("attribute 23") != std::string::npos);  // IFLA_STATS64 == 23
  }
}

TEST_CASE("link dump: a message without any stats is an error, not zeros") {
  const auto rows = netlink::parse_link_dump(basic_link(3, "nostats").bytes());
  REQUIRE_FALSE(rows);
  CHECK(rows.error().detail.find("IFLA_STATS") != std::string::npos);
}

TEST_CASE("link dump: link state from IFLA_OPERSTATE and IFLA_CARRIER") {
  const auto state = [](std::optional<std::uint8_t> oper, std::optional<std::uint8_t> carrier) -> OperStatus {
    auto m = basic_link(4, "x").attr_value(IFLA_STATS64, rtnl_link_stats64{});
    if (oper) m.attr_value(IFLA_OPERSTATE, *oper);
    if (carrier) m.attr_value(IFLA_CARRIER, *carrier);
    auto rows = netlink::parse_link_dump(m.bytes());
    REQUIRE(rows);
    return rows->at(0).interface.oper_status;
  };
  // The seven IF_OPER_* values (include/uapi/linux/if.h: UNKNOWN 0 ... UP 6), typed as numbers
  // so that a wrong mapping cannot hide behind the same macro on both sides.
  CHECK(state(6, 0) == OperStatus::up);  // carrier does not override the kernel's verdict
  CHECK(state(2, 1) == OperStatus::down);
  CHECK(state(3, std::nullopt) == OperStatus::lower_layer_down);
  CHECK(state(5, 1) == OperStatus::dormant);
  CHECK(state(1, std::nullopt) == OperStatus::not_present);
  CHECK(state(4, 1) == OperStatus::testing);
  CHECK(state(0, 1) == OperStatus::unknown);
  CHECK(state(std::nullopt, 1) == OperStatus::unknown);
  CHECK(state(42, 1) == OperStatus::unknown);  // a state newer than this code
}

TEST_CASE("link dump: stacking from IFLA_MASTER, IFLA_LINK and IFLA_LINK_NETNSID") {
  // include/uapi/linux/if_link.h: IFLA_LINK 5, IFLA_MASTER 10, IFLA_LINK_NETNSID 37 (typed as numbers).
  auto m = basic_link(6, "veth0").attr_value(IFLA_STATS64, rtnl_link_stats64{});
  m.attr_value<std::uint32_t>(10, 3).attr_value<std::uint32_t>(5, 9).attr_value<std::int32_t>(37, 2);
  auto plain = basic_link(7, "eth0").attr_value(IFLA_STATS64, rtnl_link_stats64{});
  const auto rows = netlink::parse_link_dump(concat({m.bytes(), plain.bytes()}));
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  REQUIRE(rows->size() == 2);
  CHECK(rows->at(0).interface.master_index == 3u);
  CHECK(rows->at(0).interface.lower_index == 9u);
  CHECK(rows->at(0).interface.lower_netnsid == 2);
  CHECK_FALSE(rows->at(1).interface.master_index.has_value());
  CHECK_FALSE(rows->at(1).interface.lower_index.has_value());
  CHECK_FALSE(rows->at(1).interface.lower_netnsid.has_value());
  // A short IFLA_MASTER fails the dump rather than being read past its end.
  auto bad = basic_link(8, "x").attr_value(IFLA_STATS64, rtnl_link_stats64{}).attr_value<std::uint16_t>(10, 3);
  CHECK_FALSE(netlink::parse_link_dump(bad.bytes()));
}

TEST_CASE("link dump: link kind from IFLA_LINKINFO, ether only for ARPHRD_ETHER") {
  auto m = basic_link(9, "tun0", ARPHRD_NONE).attr_value(IFLA_STATS64, rtnl_link_stats64{});
  m.begin_nest(IFLA_LINKINFO).attr_string(IFLA_INFO_KIND, "tun").end_nest();
  const auto rows = netlink::parse_link_dump(m.bytes());
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  CHECK(rows->at(0).kind == "tun");
  CHECK(rows->at(0).interface.type == "none");
  CHECK_FALSE(rows->at(0).interface.ether.has_value());
}

TEST_CASE("link dump: names and aliases are arbitrary bytes") {
  const std::string name = "\xf0\x9f\x90\x8d\"\\'x";
  const auto rows = netlink::parse_link_dump(basic_link(5, name)
                                                 .attr_string(IFLA_IFALIAS, "a \"b\"\n\\c")
                                                 .attr_value(IFLA_STATS64, rtnl_link_stats64{})
                                                 .bytes());
  REQUIRE(rows);
  CHECK(rows->at(0).interface.name == name);
  CHECK(rows->at(0).interface.alias == "a \"b\"\n\\c");
}

TEST_CASE("link dump: malformed input fails the whole dump") {
  const auto good = basic_link(1, "lo", ARPHRD_LOOPBACK).attr_value(IFLA_STATS64, rtnl_link_stats64{}).bytes();

  SUBCASE("message cut short by the end of the bytes") {
    auto bytes = concat({good, good});
    bytes.resize(bytes.size() - 10);
    const auto rows = netlink::parse_link_dump(bytes);
    REQUIRE_FALSE(rows);
    CHECK(rows.error().text().find("truncated") != std::string::npos);
  }
  SUBCASE("a few stray bytes after the last message") {
    auto bytes = good;
    bytes.insert(bytes.end(), {1, 2, 3, 4, 5, 6, 7, 8});
    CHECK_FALSE(netlink::parse_link_dump(bytes));
  }
  SUBCASE("attribute claiming more bytes than the message holds") {
    auto m = basic_link(1, "lo").attr_value(IFLA_STATS64, rtnl_link_stats64{});
    auto bytes = m.attr_value<std::uint32_t>(IFLA_MTU, 1500).bytes();
    // Grow the last attribute's nla_len past the end while nlmsg_len stays consistent.
    const std::size_t mtu_attr = bytes.size() - 8;
    const std::uint16_t bad_len = 200;
    std::memcpy(bytes.data() + mtu_attr, &bad_len, sizeof bad_len);
    const auto rows = netlink::parse_link_dump(bytes);
    REQUIRE_FALSE(rows);
    CHECK(rows.error().text().find("truncated or malformed attribute") != std::string::npos);
  }
  SUBCASE("u32 attribute with a 2-byte payload") {
    const std::uint16_t mtu = 1500;
    CHECK_FALSE(netlink::parse_link_dump(basic_link(1, "lo").attr_value(IFLA_STATS64, rtnl_link_stats64{})
                                              .attr_value(IFLA_MTU, mtu).bytes()));
  }
  SUBCASE("message shorter than struct ifinfomsg") {
    const std::uint32_t half = 0;
    CHECK_FALSE(netlink::parse_link_dump(NetlinkMessage(RTM_NEWLINK).family_header(half).bytes()));
  }
  SUBCASE("no IFLA_IFNAME") {
    CHECK_FALSE(netlink::parse_link_dump(
        NetlinkMessage(RTM_NEWLINK).family_header(ifinfo(3)).attr_value(IFLA_STATS64, rtnl_link_stats64{}).bytes()));
  }
  SUBCASE("NLMSG_ERROR inside the bytes carries the kernel's errno") {
    const auto rows = netlink::parse_link_dump(concat({good, ifmib::test::error_message(ENOBUFS)}));
    REQUIRE_FALSE(rows);
    CHECK(rows.error().sys_errno == ENOBUFS);
  }
  SUBCASE("a message of another type") {
    ifaddrmsg ifa{};
    CHECK_FALSE(netlink::parse_link_dump(concat({good, NetlinkMessage(RTM_NEWADDR).family_header(ifa).bytes()})));
  }
}

TEST_CASE("link dump: NLMSG_DONE ends the dump, NLMSG_NOOP is skipped") {
  const auto good = basic_link(1, "lo").attr_value(IFLA_STATS64, rtnl_link_stats64{}).bytes();
  const auto noop = NetlinkMessage(NLMSG_NOOP).bytes();
  const auto rows = netlink::parse_link_dump(concat({noop, good, ifmib::test::done_message(), good}));
  REQUIRE(rows);
  CHECK(rows->size() == 1);
}

TEST_CASE("link type and flag names") {
  CHECK(netlink::link_type_name(1) == "ether");
  CHECK(netlink::link_type_name(772) == "loopback");
  CHECK(netlink::link_type_name(65534) == "none");
  CHECK(netlink::link_type_name(768) == "ipip");
  CHECK(netlink::link_type_name(776) == "sit");
  CHECK(netlink::link_type_name(778) == "gre");
  CHECK(netlink::link_type_name(823) == "ip6gre");
  CHECK(netlink::link_type_name(512) == "ppp");
  CHECK(netlink::link_type_name(32) == "infiniband");
  CHECK(netlink::link_type_name(801) == "arphrd_801");

  CHECK(netlink::link_flag_names(0).empty());
  CHECK(netlink::link_flag_names(0x7ffff) ==
        Flags{"up", "broadcast", "debug", "loopback", "pointopoint", "notrailers", "running", "noarp", "promisc",
              "allmulti", "master", "slave", "multicast", "portsel", "automedia", "dynamic", "lower_up", "dormant",
              "echo"});
  CHECK(netlink::link_flag_names(0x80000).empty());  // bits this code does not know
  const auto known = netlink::known_link_flags();
  CHECK(Flags(known.begin(), known.end()) == netlink::link_flag_names(0x7ffff));
  // The bits an Interface carries name the same flags as link_flag_names(), whatever is set.
  for (const std::uint32_t flags : {0u, 0x1003u, 0x11043u, 0x7ffffu, 0xffffffffu}) {
    ifmib::platform::Interface i;
    i.known_flags = known;
    i.known_flags_set = netlink::link_flag_bits(flags);
    CAPTURE(flags);
    CHECK(ifmib::platform::set_flag_names(i) == netlink::link_flag_names(flags));
  }
}

TEST_CASE("link dump: parse_link_interfaces gives the rows' interfaces and kinds, or the same error") {
  auto tun = basic_link(9, "tun0", ARPHRD_NONE).attr_value(IFLA_STATS64, rtnl_link_stats64{});
  tun.begin_nest(IFLA_LINKINFO).attr_string(IFLA_INFO_KIND, "tun").end_nest();
  const auto lo = basic_link(1, "lo", ARPHRD_LOOPBACK).attr_value(IFLA_STATS64, numbered_stats64()).bytes();
  auto truncated = concat({lo, lo});
  truncated.resize(truncated.size() - 10);
  const std::vector<std::pair<std::string, std::vector<std::uint8_t>>> dumps = {
      {"captured", ifmib::test::read_fixture_bytes("linux/netlink_link_dump.bin")},
      {"kinds and none", concat({lo, tun.bytes(), lo})},
      {"empty", {}},
      {"truncated", truncated},
      {"no IFLA_IFNAME",
       NetlinkMessage(RTM_NEWLINK).family_header(ifinfo(3)).attr_value(IFLA_STATS64, rtnl_link_stats64{}).bytes()},
      {"no stats", basic_link(4, "x").bytes()},
      {"NLMSG_ERROR", concat({lo, ifmib::test::error_message(ENOBUFS)})},
  };
  for (const auto& [what, bytes] : dumps) {
    CAPTURE(what);
    const auto rows = netlink::parse_link_dump(bytes);
    std::vector<std::string> kinds = {"left from before"};
    const auto interfaces = netlink::parse_link_interfaces(netlink::DumpBytes(bytes), kinds);
    REQUIRE(rows.ok() == interfaces.ok());
    if (!rows) {
      CHECK(interfaces.error().text() == rows.error().text());
      CHECK(interfaces.error().sys_errno == rows.error().sys_errno);
      continue;
    }
    REQUIRE(interfaces->size() == rows->size());
    REQUIRE(kinds.size() == rows->size());
    for (std::size_t k = 0; k < rows->size(); ++k) {
      CHECK((*interfaces)[k] == (*rows)[k].interface);
      CHECK(kinds[k] == (*rows)[k].kind);
    }
  }
}
