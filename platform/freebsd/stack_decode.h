#pragma once
// Decoders for the three ioctls that tell how FreeBSD interfaces are stacked, as `ifconfig` prints
// them (sbin/ifconfig iflagg.c lagg_status, ifvlan.c vlan_status, ifbridge.c bridge_interfaces):
// the ports of a lagg (SIOCGLAGG), the parent of a vlan (SIOCGETVLAN) and the members of a bridge
// (SIOCGDRVSPEC BRDGGIFS). Pure functions of bytes: built and tested on every OS;
// platform/freebsd/system/ issues the ioctls.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ifmib::platform::freebsd {

/// Which stacking ioctl, if any, an interface answers.
enum class StackKind { none, lagg, vlan, bridge };

/// From IFDATA_DRIVERNAME (if_dname + unit, unchanged by a rename): "lagg0" -> lagg, "vlan12" ->
/// vlan, "bridge0" -> bridge, anything else none. The driver name, not ifi_type, because the type
/// does not say it: a lagg is IFT_ETHER (if_lagg.c lagg_clone_create), and a vlan made a lagg port
/// becomes IFT_IEEE8023ADLAG (lagg_port_create) while staying a vlan.
StackKind stack_kind(std::string_view driver_nameunit);

/// The port names of a SIOCGLAGG answer, in the lagg's order. `reqall` is the struct lagg_reqall
/// as the ioctl left it (80 bytes on LP64), `ports` the buffer its ra_port pointed to. The kernel
/// writes ra_ports whole struct lagg_reqport records and sets ra_size to their bytes (if_lagg.c
/// lagg_ioctl, case SIOCGLAGG); an answer that disagrees with itself or overruns `ports` is an
/// Error.
Result<std::vector<std::string>> decode_lagg_ports(std::span<const std::uint8_t> reqall,
                                                   std::span<const std::uint8_t> ports);

/// The parent's name in a SIOCGETVLAN answer (struct vlanreq, at least 18 bytes); nullopt for a
/// vlan without a parent (vlr_parent empty: if_vlan.c vlan_ioctl copies it only when TRUNK is set).
Result<std::optional<std::string>> decode_vlan_parent(std::span<const std::uint8_t> vlanreq);

/// The members of a bridge from a BRDGGIFS answer: `ifbifconf` as the ioctl left it (16 bytes),
/// `buffer` the whole buffer its ifbic_buf pointed to. The kernel writes whole struct ifbreq
/// records, members first and span ports after (if_bridge.c bridge_ioctl_gifs); span ports
/// (IFBIF_SPAN) only receive copies and are left out. `complete` is ifconfig's test
/// (ifbridge.c bridge_interfaces): the answer left room for one more record, so nothing was cut off.
struct BridgeMembers {
  std::vector<std::string> members;
  bool complete = false;

  bool operator==(const BridgeMembers&) const = default;
};
Result<BridgeMembers> decode_bridge_members(std::span<const std::uint8_t> ifbifconf,
                                            std::span<const std::uint8_t> buffer);

}  // namespace ifmib::platform::freebsd
