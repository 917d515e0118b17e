// Tests for platform/linux/mcast_dump_parser: captured RTM_GETMULTICAST replies for AF_INET
// and AF_INET6 (see tests/unit/fixtures/linux/README.md, "netlink dump fixtures") and
// hand-built edge cases.

#include "platform/linux/mcast_dump_parser.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/address.h"
#include "tests/support/fixtures.h"
#include "tests/unit/linux/netlink_test_builder.h"

namespace netlink = ifmib::platform::netlink;
using ifmib::platform::AddressFamily;
using ifmib::test::NetlinkMessage;

namespace {

using Membership = std::pair<std::uint32_t, std::string>;

std::vector<Membership> memberships(const std::vector<netlink::MulticastRow>& rows, AddressFamily family) {
  std::vector<Membership> out;
  for (const auto& r : rows) {
    CHECK(r.family == family);
    out.emplace_back(r.ifindex, ifmib::platform::address_text(r.family, r.group));
  }
  std::sort(out.begin(), out.end());
  return out;
}

NetlinkMessage group_message(std::uint8_t family, std::uint32_t ifindex) {
  ifaddrmsg ifa{};
  ifa.ifa_family = family;
  ifa.ifa_index = ifindex;
  NetlinkMessage m(RTM_GETMULTICAST);
  m.family_header(ifa);
  return m;
}

}  // namespace

// Expected values: `ip -j maddr show` and /proc/net/igmp{,6} at capture time
// (netlink_capture_ip_maddr.json). Ifindex 2 = va, 3 = v"q\x, 4 = vé-x, 5 = vé.
TEST_CASE("multicast dump: captured AF_INET groups (fixture netlink_mcast4_dump.bin)") {
  const auto rows = netlink::parse_mcast_dump(ifmib::test::read_fixture_bytes("linux/netlink_mcast4_dump.bin"));
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  const std::vector<Membership> expected{
      {1, "224.0.0.1"}, {2, "224.0.0.1"}, {2, "239.1.2.3"}, {3, "224.0.0.1"}, {3, "239.255.0.7"}, {5, "224.0.0.1"},
  };
  CHECK(memberships(*rows, AddressFamily::inet) == expected);
}

TEST_CASE("multicast dump: captured AF_INET6 groups (fixture netlink_mcast6_dump.bin)") {
  const auto rows = netlink::parse_mcast_dump(ifmib::test::read_fixture_bytes("linux/netlink_mcast6_dump.bin"));
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  const std::vector<Membership> expected{
      {1, "ff01::1"}, {1, "ff02::1"},
      {2, "ff01::1"}, {2, "ff02::1"}, {2, "ff02::1:ffba:4e6"}, {2, "ff15::1234"},
      {3, "ff01::1"}, {3, "ff02::1"}, {3, "ff02::1:ff35:61b1"}, {3, "ff05::1:3"},
      {4, "ff01::1"}, {4, "ff02::1"},
      {5, "ff01::1"}, {5, "ff02::1"},
  };
  CHECK(memberships(*rows, AddressFamily::inet6) == expected);
}

TEST_CASE("multicast dump: hand-built messages") {
  in_addr v4{};
  inet_pton(AF_INET, "239.0.0.9", &v4);
  in6_addr v6{};
  inet_pton(AF_INET6, "ff3e:0:0:0:0:0:0:1234", &v6);
  ifa_cacheinfo cache{};

  SUBCASE("both families; RTM_NEWMULTICAST accepted; canonical text; unknown attributes ignored") {
    auto a = group_message(AF_INET, 7).attr_value(IFA_MULTICAST, v4).attr_value(IFA_CACHEINFO, cache).bytes();
    auto b = group_message(AF_INET6, 8).attr_value(IFA_MULTICAST, v6).attr_value<std::uint32_t>(IFA_MAX + 3, 1);
    auto b_bytes = b.bytes();
    b_bytes[4] = static_cast<std::uint8_t>(RTM_GETMULTICAST - 2);  // RTM_NEWMULTICAST (56)
    const auto rows = netlink::parse_mcast_dump(ifmib::test::concat({a, b_bytes}));
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    REQUIRE(rows->size() == 2);
    CHECK(rows->at(0) == netlink::MulticastRow{7, AddressFamily::inet, ifmib::test::address(AddressFamily::inet, "239.0.0.9")});
    CHECK(rows->at(1) == netlink::MulticastRow{8, AddressFamily::inet6, ifmib::test::address(AddressFamily::inet6, "ff3e::1234")});
  }
  SUBCASE("empty dump") {
    const auto rows = netlink::parse_mcast_dump(std::span<const std::uint8_t>());
    REQUIRE(rows);
    CHECK(rows->empty());
  }
  SUBCASE("IPv6 address in an AF_INET message is an error") {
    CHECK_FALSE(netlink::parse_mcast_dump(group_message(AF_INET, 7).attr_value(IFA_MULTICAST, v6).bytes()));
  }
  SUBCASE("missing IFA_MULTICAST is an error") {
    CHECK_FALSE(netlink::parse_mcast_dump(group_message(AF_INET6, 7).attr_value(IFA_CACHEINFO, cache).bytes()));
  }
  SUBCASE("other families are an error") {
    CHECK_FALSE(netlink::parse_mcast_dump(group_message(AF_PACKET, 7).attr_value(IFA_MULTICAST, v4).bytes()));
  }
  SUBCASE("short IFA_CACHEINFO is an error") {
    const std::uint32_t four = 0;
    CHECK_FALSE(netlink::parse_mcast_dump(
        group_message(AF_INET, 7).attr_value(IFA_MULTICAST, v4).attr_value(IFA_CACHEINFO, four).bytes()));
  }
  SUBCASE("truncated message is an error") {
    auto bytes = group_message(AF_INET, 7).attr_value(IFA_MULTICAST, v4).bytes();
    bytes.resize(bytes.size() - 4);
    CHECK_FALSE(netlink::parse_mcast_dump(bytes));
  }
  SUBCASE("NLMSG_ERROR inside the bytes carries the errno") {
    const auto rows = netlink::parse_mcast_dump(ifmib::test::error_message(EOPNOTSUPP));
    REQUIRE_FALSE(rows);
    CHECK(rows.error().sys_errno == EOPNOTSUPP);
  }
}
