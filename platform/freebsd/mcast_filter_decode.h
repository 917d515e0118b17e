#pragma once
// Decoders for the per-group source filter sysctls (net.inet.ip.mcast.filters,
// net.inet6.ip6.mcast.filters) and the per-interface IGMP/MLD state (net.inet.igmp.ifinfo,
// net.inet6.mld.ifinfo). shared/reference/freebsd-abi.md §6-7. Pure functions of bytes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::freebsd {

/// A group's current (t1) filter state as the kernel reports it.
struct FilterState {
  std::uint32_t raw_mode = 0;          // MCAST_UNDEFINED 0, INCLUDE 1, EXCLUDE 2, or anything else
  std::optional<FilterMode> mode;      // empty for MCAST_UNDEFINED and unknown values
  std::vector<Address> sources;        // in-mode sources, network order, kernel order

  bool operator==(const FilterState&) const = default;
};

/// net.inet.ip.mcast.filters: uint32 fmode + n * struct in_addr. A length of 0 means the
/// interface has no membership for the group: nullopt. Any other length that is not
/// 4 + 4n is an Error.
Result<std::optional<FilterState>> decode_ip_mcast_filters(std::span<const std::uint8_t> bytes);
/// net.inet6.ip6.mcast.filters: uint32 fmode + n * struct in6_addr; as above with 16-byte sources.
Result<std::optional<FilterState>> decode_ip6_mcast_filters(std::span<const std::uint8_t> bytes);

/// struct igmp_ifinfo (36 bytes).
struct IgmpInfo {
  std::uint32_t version = 0, v1_timer = 0, v2_timer = 0, v3_timer = 0, flags = 0;
  std::uint32_t rv = 0, qi = 0, qri = 0, uri = 0;
  bool operator==(const IgmpInfo&) const = default;
};
/// struct mld_ifinfo (32 bytes).
struct MldInfo {
  std::uint32_t version = 0, v1_timer = 0, v2_timer = 0, flags = 0;
  std::uint32_t rv = 0, qi = 0, qri = 0, uri = 0;
  bool operator==(const MldInfo&) const = default;
};

/// Decodes net.inet.igmp.ifinfo; any length other than 36 is an Error (older kernels exported
/// the kernel-private struct, which has a different layout).
Result<IgmpInfo> decode_igmp_ifinfo(std::span<const std::uint8_t> bytes);
/// Decodes net.inet6.mld.ifinfo; any length other than 32 is an Error.
Result<MldInfo> decode_mld_ifinfo(std::span<const std::uint8_t> bytes);

/// Snapshot of the IGMP state. As ifmcstat(8) prints them, robustness and the intervals are
/// filled only in IGMPv3 mode, where they are protocol variables.
MulticastProtocol to_protocol(const IgmpInfo& info, std::string device, std::uint32_t index);
/// Snapshot of the MLD state; robustness and intervals only in MLDv2 mode.
MulticastProtocol to_protocol(const MldInfo& info, std::string device, std::uint32_t index);

}  // namespace ifmib::platform::freebsd
