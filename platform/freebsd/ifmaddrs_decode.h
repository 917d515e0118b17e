#pragma once
// Decoder for the NET_RT_IFMALIST sysctl buffer (the list getifmaddrs(3) is built from):
// struct ifma_msghdr messages followed by their sockaddrs (shared/reference/freebsd-abi.md §5).
// A pure function of bytes: built and tested on every OS.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::freebsd {

/// One multicast membership of one interface, as one RTM_NEWMADDR message describes it.
struct MembershipEntry {
  std::uint32_t index = 0;  // ifmam_index (the ifindex)
  std::string device;       // name from the RTAX_IFP sockaddr_dl; "" when the message has none
  AddressFamily family = AddressFamily::inet;
  /// The group address as stored (network order): 4 bytes for inet, 16 for inet6 (with any KAME
  /// embedded zone removed), the link-layer address for link. Keys the mcast.filters sysctl;
  /// address_text() gives "224.0.0.1", "ff02::1", "01:00:5e:00:00:01".
  Address group;
  std::uint32_t scope_id = 0;  // inet6: sin6_scope_id (the ifindex for link-local scope), else 0
  std::string lladdr;          // RTAX_GATEWAY link-layer mapping ("01:00:5e:00:00:01"), or ""

  bool operator==(const MembershipEntry&) const = default;
};

/// Parses a whole NET_RT_IFMALIST buffer, in kernel order. Messages of another version or type
/// are skipped by their length, as are messages without a group address (RTAX_IFA) or with a
/// group of a family other than inet, inet6 and link. A message or sockaddr that runs past the
/// buffer is an Error: the buffer is then not trustworthy.
Result<std::vector<MembershipEntry>> decode_ifmalist(std::span<const std::uint8_t> bytes);

}  // namespace ifmib::platform::freebsd
