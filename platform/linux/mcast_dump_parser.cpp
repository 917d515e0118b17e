#include "platform/linux/mcast_dump_parser.h"

#include <arpa/inet.h>
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

Result<MulticastRow> parse_group(const nlmsghdr& nlh) {
  if (mnl_nlmsg_get_payload_len(&nlh) < sizeof(ifaddrmsg)) {
    return Error::invalid("RTM_GETMULTICAST", "shorter than struct ifaddrmsg");
  }
  ifaddrmsg ifa{};
  std::memcpy(&ifa, mnl_nlmsg_get_payload(&nlh), sizeof ifa);
  const std::string where = "RTM_GETMULTICAST ifindex " + std::to_string(ifa.ifa_index);

  std::array<const nlattr*, IFA_MAX + 1> tb{};
  const std::size_t offset = MNL_ALIGN(sizeof(ifaddrmsg));
  if (auto status = parse_attributes(static_cast<const std::uint8_t*>(mnl_nlmsg_get_payload(&nlh)) + offset,
                                     mnl_nlmsg_get_payload_len(&nlh) - offset, tb, kMcastRules);
      !status) {
    return status.error().within(where);
  }

  MulticastRow row;
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
      return Error::invalid(where, "address family " + std::to_string(ifa.ifa_family) + " is not AF_INET/AF_INET6");
  }
  const nlattr* group = tb[IFA_MULTICAST];
  if (group == nullptr) return Error::invalid(where, "no IFA_MULTICAST");
  if (mnl_attr_get_payload_len(group) != address_length) {
    return Error::invalid(where, "IFA_MULTICAST of " + std::to_string(mnl_attr_get_payload_len(group)) +
                                     " bytes for family " + std::to_string(ifa.ifa_family));
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(ifa.ifa_family, mnl_attr_get_payload(group), text, sizeof text) == nullptr) {
    return Error::from_errno(where + ": inet_ntop", errno);
  }
  row.group = text;
  return row;
}

}  // namespace

Result<std::vector<MulticastRow>> parse_mcast_dump(std::span<const std::uint8_t> bytes) {
  std::vector<MulticastRow> rows;
  auto status =
      for_each_message(bytes, {RTM_GETMULTICAST, kRtmNewMulticast}, [&rows](const nlmsghdr& nlh) -> Status {
        auto row = parse_group(nlh);
        if (!row) return row.error();
        rows.push_back(std::move(*row));
        return ok_status();
      });
  if (!status) return status.error().within("multicast dump");
  return rows;
}

}  // namespace ifmib::platform::netlink
