#pragma once
// Where a FreeBSD interface's transmit path queues and drops packets, and the pure steps from
// the sysctl values of its transmit queues to the snapshot's SendQueue. The table behind every
// rule, with the FreeBSD source file and function of each path, is docs/freebsd.md
// ("Send-queue drops by transmit path"). Pure functions: built and tested on every OS.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/freebsd/ifmib_decode.h"
#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::freebsd {

/// How the driver of an interface transmits, as far as a sysctl reader can tell.
enum class TransmitPath {
  if_snd,   // legacy if_start: packets wait in if_snd (IFQ_HANDOFF counts IFCOUNTER_OQDROPS)
  iflib,    // iflib: one mp_ring per txq; a full ring counts only the ring's drops (r_drops)
  cxgbe,    // cxgbe/cxl/cc and their VIs/VFs: mp_rings whose drops the driver adds to OQDROPS
  drbr,     // a driver buf_ring (vtnet): a full ring's drops are exported by no sysctl
  direct,   // hands packets on without queueing (lo, vlan, lagg, bridge, gif)
};

const char* to_string(TransmitPath path);

/// "ix0" -> {"ix", 0}: IFDATA_DRIVERNAME is if_dname followed by if_dunit, and drivers that
/// attach through newbus name their ifnet after the device (if_initname(ifp,
/// device_get_name(dev), device_get_unit(dev))), so this is also the `dev.<driver>.<unit>`
/// sysctl node. nullopt when the name has no trailing unit number or no driver part.
struct DriverUnit {
  std::string driver;
  int unit = 0;
  bool operator==(const DriverUnit&) const = default;
};
std::optional<DriverUnit> split_driver_unit(std::string_view nameunit);

/// The path of a driver that has no `dev.<driver>.<unit>.iflib` node (that node is how iflib
/// drivers are found, whatever their name).
TransmitPath transmit_path_without_iflib(std::string_view driver);

/// The sysctl name of iflib txq `index` when the driver has `width` digits in its txq names:
/// iflib_add_device_sysctl_post() prints "txq%d" for up to 10 queues, "txq%02d" for up to 100
/// and "txq%03d" above (sys/net/iflib.c). width is 1, 2 or 3.
std::string iflib_txq_name(int index, int width);

/// A 64-bit counter sysctl: SYSCTL_ADD_COUNTER_U64 (sysctl_handle_counter_u64) and
/// SYSCTL_ADD_QUAD/UQUAD both answer 8 bytes in host order. Any other length is an Error.
Result<std::uint64_t> decode_sysctl_u64(std::span<const std::uint8_t> bytes);

/// The send queue of one interface from its ifmib row, its transmit path and the transmit
/// queues read for that path (iflib and cxgbe txqs; empty for the others).
///   if_snd: length ifmd_snd_len, max ifmd_snd_maxlen, drops ifi_oqdrops (as before).
///   iflib:  drops ifi_oqdrops + the sum of the txqs' r_drops (no double counting: see the .cpp);
///           no length or max (if_snd is unused unless ALTQ; the mp_ring's size is not exported).
///   cxgbe:  drops ifi_oqdrops, which cxgbe_get_counter()/vi_get_counter() already make the sum of
///           the txqs' r_drops (plus the port's tx_drop); no length or max.
///   drbr, direct: drops ifi_oqdrops; no length or max.
SendQueue send_queue_for(const IfmibRow& row, std::uint32_t index, TransmitPath path,
                         std::vector<TransmitQueue> txqs);

}  // namespace ifmib::platform::freebsd
