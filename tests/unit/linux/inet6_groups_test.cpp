// Tests for platform/linux/inet6_groups: IPv6 memberships from the RTM_GETMULTICAST dump, named
// from the procfs rows the scrape already has.

#include "platform/linux/inet6_groups.h"

#include <doctest/doctest.h>

#include "tests/support/address.h"

using namespace ifmib;
using namespace ifmib::platform;

namespace {

procfs::IgmpTable igmp_with(std::initializer_list<std::pair<std::uint32_t, const char*>> interfaces) {
  procfs::IgmpTable t;
  for (const auto& [index, name] : interfaces) t.interfaces.push_back({index, name, 1, 3});
  return t;
}

}  // namespace

TEST_CASE("inet6 groups from the dump: named from igmp's interfaces and dev_mcast, inet rows ignored") {
  const std::vector<netlink::MulticastRow> dump = {
      {1, AddressFamily::inet6, ifmib::test::address(AddressFamily::inet6, "ff02::1")},
      {2, AddressFamily::inet6, ifmib::test::address(AddressFamily::inet6, "ff02::1:ff00:1")},
      {2, AddressFamily::inet, ifmib::test::address(AddressFamily::inet, "224.0.0.1")},  // an inet row in the same vector is not ours
      {3, AddressFamily::inet6, ifmib::test::address(AddressFamily::inet6, "ff15::1234")},
  };
  const auto igmp = igmp_with({{1, "lo"}, {2, "eth0"}});
  const std::vector<procfs::LinkGroupRow> dev_mcast = {{3, "veth-c", ifmib::test::address(AddressFamily::link, "33:33:00:00:00:01"), 1, 0}};
  const auto groups = linux_mcast::inet6_groups_from_dump(dump, igmp, dev_mcast);
  REQUIRE(groups);
  const std::vector<procfs::GroupRow> expected = {
      {1, "lo", ifmib::test::address(AddressFamily::inet6, "ff02::1"), 0},
      {2, "eth0", ifmib::test::address(AddressFamily::inet6, "ff02::1:ff00:1"), 0},
      {3, "veth-c", ifmib::test::address(AddressFamily::inet6, "ff15::1234"), 0}};
  CHECK(*groups == expected);
}

TEST_CASE("inet6 groups from the dump: an interface without a name in procfs means read igmp6 instead") {
  const std::vector<netlink::MulticastRow> dump = {{1, AddressFamily::inet6, ifmib::test::address(AddressFamily::inet6, "ff02::1")},
                                                   {9, AddressFamily::inet6, ifmib::test::address(AddressFamily::inet6, "ff02::1")}};
  CHECK_FALSE(linux_mcast::inet6_groups_from_dump(dump, igmp_with({{1, "lo"}}), {}).has_value());
  CHECK(linux_mcast::inet6_groups_from_dump({}, {}, {}).value().empty());
}
