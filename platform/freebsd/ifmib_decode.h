#pragma once
// Decoders for the net.link.generic.ifdata.<row>.<col> values of ifmib(4), and their mapping to
// the platform snapshot. Pure functions of bytes: built and tested on every OS.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::freebsd {

/// One IFDATA_GENERAL value: struct ifmibdata with its struct if_data, field by field
/// (shared/reference/freebsd-abi.md §1-2). Counters are monotonic; snd_len is a gauge.
struct IfmibRow {
  std::string name;  // ifmd_name: the current name (reflects `ifconfig em0 name lan0`)
  std::int32_t pcount = 0, flags = 0;
  std::int32_t snd_len = 0, snd_maxlen = 0, snd_drops = 0;
  std::uint8_t type = 0, link_state = 0;
  std::uint32_t mtu = 0, metric = 0;
  std::uint64_t baudrate = 0;
  std::uint64_t ipackets = 0, ierrors = 0, opackets = 0, oerrors = 0, collisions = 0;
  std::uint64_t ibytes = 0, obytes = 0, imcasts = 0, omcasts = 0;
  std::uint64_t iqdrops = 0, oqdrops = 0, noproto = 0, hwassist = 0;
  std::int64_t epoch = 0;  // time_uptime at attach
  std::int64_t lastchange_sec = 0, lastchange_usec = 0;

  bool operator==(const IfmibRow&) const = default;
};

/// Decodes IFDATA_GENERAL. Rejects (Error, no errno) any length other than 208 and any
/// ifi_datalen other than 152: both mean a struct layout this code does not know.
Result<IfmibRow> decode_ifmibdata(std::span<const std::uint8_t> bytes);

/// Decodes IFDATA_LINKSPECIFIC as struct ifmib_iso_8802_3. Any length other than 124 means the
/// driver exports no Ethernet MIB (the common case, usually 0 bytes): returns nullopt.
std::optional<EtherStats> decode_ether_mib(std::span<const std::uint8_t> bytes);

/// Decodes IFDATA_DRIVERNAME: the NUL-terminated driver name + unit ("em0"); "" when empty.
std::string decode_driver_name(std::span<const std::uint8_t> bytes);

/// Lower-case names of the IFF_* bits set in ifmd_flags ("up", "broadcast", "running", ...).
/// Bits whose name differs between releases (0x20, 0x800000, 0x1000000) and unknown bits are
/// reported as "bit<N>".
std::vector<std::string> flag_names(std::uint32_t flags);

/// The named bits of `flags` as Interface::known_flags_set: bit k for known_flag_names()[k].
std::uint64_t known_flag_bits(std::uint32_t flags);
/// The "bit<N>" names of the set bits that have no name, in bit order (Interface::unknown_flags).
std::vector<std::string> unknown_flag_names(std::uint32_t flags);

/// Every named flag flag_names() can return (not the "bit<N>" ones), in the same order
/// (Interface::known_flags): a static table.
std::span<const std::string_view> known_flag_names();

/// Lower-case name of an IFT_* value ("ether", "loopback", "l2vlan", ...), else "ift_<n>".
std::string type_name(std::uint8_t ifi_type);

/// The snapshot of one row. `driver` comes from IFDATA_DRIVERNAME, `ether` from
/// IFDATA_LINKSPECIFIC; `index` is the row number (the ifindex).
Interface to_interface(const IfmibRow& row, std::uint32_t index, std::string driver,
                       std::optional<EtherStats> ether);

/// The if_snd queue of one row.
SendQueue to_send_queue(const IfmibRow& row, std::uint32_t index);

}  // namespace ifmib::platform::freebsd
