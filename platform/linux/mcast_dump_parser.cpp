#include "platform/linux/mcast_dump_parser.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>

#include "platform/linux/netlink_message.h"

namespace ifmib::platform::netlink {

namespace {

// RTM_NEWMULTICAST = 56 joined the uapi enum in Linux 6.13 (include/uapi/linux/rtnetlink.h);
// older userspace headers only define RTM_GETMULTICAST (58).
constexpr std::uint16_t kRtmNewMulticast = RTM_GETMULTICAST - 2;

constexpr std::array<AttributeRule, IFA_MAX + 1> mcast_rules() {
  std::array<AttributeRule, IFA_MAX + 1> rules{};
  rules[IFA_CACHEINFO] = {MNL_TYPE_UNSPEC, sizeof(ifa_cacheinfo)};
  return rules;
}
constexpr auto kMcastRules = mcast_rules();

using McastTable = std::array<const nlattr*, IFA_MAX + 1>;

Status decode_group(const ifaddrmsg& ifa, const McastTable& tb, const MessagePlace& place, MulticastRow& row) {
  row.ifindex = ifa.ifa_index;
  std::size_t address_length = 0;
  switch (ifa.ifa_family) {
    case AF_INET:
      row.family = AddressFamily::inet;
      address_length = sizeof(in_addr);
      break;
    case AF_INET6:
      row.family = AddressFamily::inet6;
      address_length = sizeof(in6_addr);
      break;
    default:
      return Error::invalid(place.text(), "address family " + std::to_string(ifa.ifa_family) + " is not AF_INET/AF_INET6");
  }
  const nlattr* group = tb[IFA_MULTICAST];
  if (group == nullptr) return Error::invalid(place.text(), "no IFA_MULTICAST");
  if (mnl_attr_get_payload_len(group) != address_length) {
    return Error::invalid(place.text(), "IFA_MULTICAST of " + std::to_string(mnl_attr_get_payload_len(group)) +
                                     " bytes for family " + std::to_string(ifa.ifa_family));
  }
  const auto* payload = static_cast<const std::uint8_t*>(mnl_attr_get_payload(group));
  row.group = Address::of(std::span<const std::uint8_t>(payload, address_length));
  return ok_status();
}

}  // namespace

namespace {

Result<std::vector<MulticastRow>> parse_mcast_dump(std::span<const std::uint8_t> bytes, std::size_t messages) {
  return parse_dump<MulticastRow, ifaddrmsg>(
      bytes, messages, {RTM_GETMULTICAST, kRtmNewMulticast}, {"multicast dump", "RTM_GETMULTICAST", "struct ifaddrmsg"},
      kMcastRules, [](const ifaddrmsg& ifa) { return ifa.ifa_index; }, decode_group);
}

}  // namespace

Result<std::vector<MulticastRow>> parse_mcast_dump(std::span<const std::uint8_t> bytes) { return parse_mcast_dump(bytes, 0); }

Result<std::vector<MulticastRow>> parse_mcast_dump(const DumpBytes& dump) { return parse_mcast_dump(dump, dump.message_count()); }

}  // namespace ifmib::platform::netlink
