#pragma once
// Parsing half of the IP multicast membership listing: RTM_GETMULTICAST dump bytes (from
// netlink::dump(DumpRequest::inet_multicast() / inet6_multicast())) to rows.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "platform/linux/dump_bytes.h"
#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::netlink {

/// One IP multicast group joined on one interface.
struct MulticastRow {
  std::uint32_t ifindex = 0;                     // ifaddrmsg.ifa_index
  AddressFamily family = AddressFamily::inet;    // inet or inet6, from ifaddrmsg.ifa_family
  Address group;                                 // IFA_MULTICAST, 4 or 16 bytes, network order

  bool operator==(const MulticastRow&) const = default;
};

/// Decodes the messages of a multicast dump, in dump order. Dump replies are typed
/// RTM_GETMULTICAST (net/ipv6/addrconf.c, net/ipv4/igmp.c); RTM_NEWMULTICAST (the notification
/// type) is accepted too. A family other than AF_INET/AF_INET6, a missing IFA_MULTICAST or
/// one whose length does not match the family, truncation, NLMSG_ERROR or another message type
/// fail the whole dump.
Result<std::vector<MulticastRow>> parse_mcast_dump(std::span<const std::uint8_t> bytes);
/// The same on a dump from the socket code, whose rows are sized from the messages it counted.
Result<std::vector<MulticastRow>> parse_mcast_dump(const DumpBytes& dump);

}  // namespace ifmib::platform::netlink
