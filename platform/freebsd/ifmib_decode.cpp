#include "platform/freebsd/ifmib_decode.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "platform/freebsd/abi_layout.h"
#include "platform/freebsd/host_bytes.h"

namespace ifmib::platform::freebsd {

namespace {

using detail::load;
namespace L = layout;

std::string nul_terminated(std::span<const std::uint8_t> bytes) {
  const auto end = std::find(bytes.begin(), bytes.end(), std::uint8_t{0});
  return std::string(bytes.begin(), end);
}

// IFF_* from sys/net/if.h [ABI §1]. Userland aliases are used for the driver-owned bits
// (IFF_DRV_RUNNING is IFF_RUNNING, as ifconfig prints it). 0x20 (IFF_KNOWSEPOCH in 13.x,
// IFF_NEEDSEPOCH in 14+), 0x800000 (IFF_PALLMULTI / IFF_NOGROUP) and 0x1000000 (IFF_NETLINK_1)
// are not named: their meaning changed between releases.
constexpr std::array<std::pair<std::uint32_t, std::string_view>, 22> kFlagNames{{
    {0x1, "up"},
    {0x2, "broadcast"},
    {0x4, "debug"},
    {0x8, "loopback"},
    {0x10, "pointopoint"},
    {0x40, "running"},
    {0x80, "noarp"},
    {0x100, "promisc"},
    {0x200, "allmulti"},
    {0x400, "oactive"},
    {0x800, "simplex"},
    {0x1000, "link0"},
    {0x2000, "link1"},
    {0x4000, "link2"},
    {0x8000, "multicast"},
    {0x10000, "cantconfig"},
    {0x20000, "ppromisc"},
    {0x40000, "monitor"},
    {0x80000, "staticarp"},
    {0x100000, "stickyarp"},
    {0x200000, "dying"},
    {0x400000, "renaming"},
}};

constexpr std::uint32_t kIffUp = 0x1;
constexpr std::uint32_t kIffRunning = 0x40;  // IFF_DRV_RUNNING

// ifOperStatus the way bsnmpd derives it (contrib/bsnmp/snmp_mibII/mibII_interfaces.c,
// LEAF_ifOperStatus): not IFF_DRV_RUNNING -> down; running with LINK_STATE_UP -> up. bsnmpd says
// "dormant" for every other running case; we differ in two, so that a FreeBSD box and a Linux box
// in the same condition report the same state: LINK_STATE_DOWN (no carrier: a cable pulled) is
// down, as Linux says for an admin-up NIC without carrier, and LINK_STATE_UNKNOWN (lo0, drivers
// that never report a link) is unknown, as Linux says for lo.
OperStatus oper_status_from(std::uint32_t flags, std::uint8_t link_state) {
  if ((flags & kIffRunning) == 0) return OperStatus::down;
  if (link_state == L::kLinkStateUp) return OperStatus::up;
  if (link_state == L::kLinkStateDown) return OperStatus::down;
  return OperStatus::unknown;
}

}  // namespace

Result<IfmibRow> decode_ifmibdata(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != L::ifmibdata::kSize) {
    return Error::invalid("struct ifmibdata",
                          "length " + std::to_string(bytes.size()) + ", expected " +
                              std::to_string(L::ifmibdata::kSize) + " (FreeBSD >= 11, LP64)");
  }
  const auto data = bytes.subspan(L::ifmibdata::kData, L::if_data::kSize);
  const auto datalen = load<std::uint16_t>(data, L::if_data::kDatalen);
  if (datalen != L::if_data::kSize) {
    return Error::invalid("struct if_data",
                          "ifi_datalen " + std::to_string(datalen) + ", expected " +
                              std::to_string(L::if_data::kSize) + " (FreeBSD >= 11 layout)");
  }

  IfmibRow row;
  row.name = nul_terminated(bytes.subspan(L::ifmibdata::kName, L::kIfNameSize));
  row.pcount = load<std::int32_t>(bytes, L::ifmibdata::kPcount);
  row.flags = load<std::int32_t>(bytes, L::ifmibdata::kFlags);
  row.snd_len = load<std::int32_t>(bytes, L::ifmibdata::kSndLen);
  row.snd_maxlen = load<std::int32_t>(bytes, L::ifmibdata::kSndMaxlen);
  row.snd_drops = load<std::int32_t>(bytes, L::ifmibdata::kSndDrops);

  row.type = load<std::uint8_t>(data, L::if_data::kType);
  row.link_state = load<std::uint8_t>(data, L::if_data::kLinkState);
  row.mtu = load<std::uint32_t>(data, L::if_data::kMtu);
  row.metric = load<std::uint32_t>(data, L::if_data::kMetric);
  row.baudrate = load<std::uint64_t>(data, L::if_data::kBaudrate);
  row.ipackets = load<std::uint64_t>(data, L::if_data::kIpackets);
  row.ierrors = load<std::uint64_t>(data, L::if_data::kIerrors);
  row.opackets = load<std::uint64_t>(data, L::if_data::kOpackets);
  row.oerrors = load<std::uint64_t>(data, L::if_data::kOerrors);
  row.collisions = load<std::uint64_t>(data, L::if_data::kCollisions);
  row.ibytes = load<std::uint64_t>(data, L::if_data::kIbytes);
  row.obytes = load<std::uint64_t>(data, L::if_data::kObytes);
  row.imcasts = load<std::uint64_t>(data, L::if_data::kImcasts);
  row.omcasts = load<std::uint64_t>(data, L::if_data::kOmcasts);
  row.iqdrops = load<std::uint64_t>(data, L::if_data::kIqdrops);
  row.oqdrops = load<std::uint64_t>(data, L::if_data::kOqdrops);
  row.noproto = load<std::uint64_t>(data, L::if_data::kNoproto);
  row.hwassist = load<std::uint64_t>(data, L::if_data::kHwassist);
  row.epoch = load<std::int64_t>(data, L::if_data::kEpoch);
  row.lastchange_sec = load<std::int64_t>(data, L::if_data::kLastchangeSec);
  row.lastchange_usec = load<std::int64_t>(data, L::if_data::kLastchangeUsec);
  return row;
}

std::optional<EtherStats> decode_ether_mib(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != L::ether_mib::kSize) return std::nullopt;
  const auto u32 = [&](std::size_t off) -> std::uint64_t { return load<std::uint32_t>(bytes, off); };
  EtherStats e;
  e.alignment_errors = u32(L::ether_mib::kAlignmentErrors);
  e.fcs_errors = u32(L::ether_mib::kFcsErrors);
  e.single_collision_frames = u32(L::ether_mib::kSingleCollisionFrames);
  e.multiple_collision_frames = u32(L::ether_mib::kMultipleCollisionFrames);
  e.sqe_test_errors = u32(L::ether_mib::kSqeTestErrors);
  e.deferred_transmissions = u32(L::ether_mib::kDeferredTransmissions);
  e.late_collisions = u32(L::ether_mib::kLateCollisions);
  e.excessive_collisions = u32(L::ether_mib::kExcessiveCollisions);
  e.internal_mac_transmit_errors = u32(L::ether_mib::kInternalMacTransmitErrors);
  e.carrier_sense_errors = u32(L::ether_mib::kCarrierSenseErrors);
  e.frame_too_longs = u32(L::ether_mib::kFrameTooLongs);
  e.internal_mac_receive_errors = u32(L::ether_mib::kInternalMacReceiveErrors);
  e.missed_frames = u32(L::ether_mib::kMissedFrames);
  e.chipset = load<std::uint32_t>(bytes, L::ether_mib::kEtherChipSet);
  // "NB: index origin" (if_mib.h): element 0 counts frames sent after exactly one collision,
  // which is what EtherStats::collision_frequencies documents.
  for (std::size_t i = 0; i < L::ether_mib::kCollFrequencyCount; ++i) {
    e.collision_frequencies.push_back(u32(L::ether_mib::kCollFrequencies + 4 * i));
  }
  return e;
}

std::string decode_driver_name(std::span<const std::uint8_t> bytes) { return nul_terminated(bytes); }

std::vector<std::string> flag_names(std::uint32_t flags) {
  std::vector<std::string> out;
  for (const auto& [bit, name] : kFlagNames) {
    if (flags & bit) out.emplace_back(name);
  }
  std::vector<std::string> unknown = unknown_flag_names(flags);
  out.insert(out.end(), unknown.begin(), unknown.end());
  return out;
}

std::uint64_t known_flag_bits(std::uint32_t flags) {
  static_assert(kFlagNames.size() <= 64, "Interface::known_flags_set holds 64 flags");
  return known_flags_set_of(flags, kFlagNames);
}

std::vector<std::string> unknown_flag_names(std::uint32_t flags) {
  std::uint32_t named = 0;
  for (const auto& [bit, name] : kFlagNames) named |= bit;
  std::vector<std::string> out;
  for (unsigned bit = 0; bit < 32; ++bit) {
    const std::uint32_t mask = std::uint32_t{1} << bit;
    if ((flags & mask) && !(named & mask)) out.push_back("bit" + std::to_string(bit));
  }
  return out;
}

std::span<const std::string_view> known_flag_names() {
  static constexpr auto kNames = [] {
    std::array<std::string_view, kFlagNames.size()> names{};
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = kFlagNames[i].second;
    return names;
  }();
  return kNames;
}

std::string type_name(std::uint8_t ifi_type) {
  // IFT_* from sys/net/if_types.h: the values FreeBSD's own drivers and cloners use.
  switch (ifi_type) {
    case 0x01: return "other";
    case 0x06: return "ether";
    case 0x07: return "iso88023";
    case 0x0b: return "starlan";
    case 0x17: return "ppp";
    case 0x18: return "loopback";
    case 0x1c: return "slip";
    case 0x35: return "propvirtual";
    case 0x47: return "ieee80211";
    case 0x83: return "tunnel";
    case 0x87: return "l2vlan";
    case 0x90: return "ieee1394";
    case 0xa1: return "ieee8023adlag";
    case 0xc7: return "infiniband";
    case 0xd1: return "bridge";
    case 0xd7: return "stf";
    case 0xf0: return "gif";
    case 0xf4: return "enc";
    case 0xf6: return "pflog";
    case 0xf7: return "pfsync";
    default: return "ift_" + std::to_string(ifi_type);
  }
}

Interface to_interface(const IfmibRow& row, std::uint32_t index, std::string driver,
                       std::optional<EtherStats> ether) {
  Interface out;
  out.name = row.name;
  out.index = index;
  out.type = type_name(row.type);
  out.driver = std::move(driver);
  const auto flags = static_cast<std::uint32_t>(row.flags);
  out.admin_up = (flags & kIffUp) != 0;
  out.oper_status = oper_status_from(flags, row.link_state);
  out.known_flags_set = known_flag_bits(flags);
  out.unknown_flags = unknown_flag_names(flags);
  out.known_flags = known_flag_names();
  if (row.pcount >= 0) out.promiscuous_listeners = static_cast<std::uint32_t>(row.pcount);
  out.mtu = row.mtu;
  out.baudrate_bits_per_second = row.baudrate;
  if (row.lastchange_sec != 0 || row.lastchange_usec != 0) {
    out.last_change_timestamp_seconds =
        static_cast<double>(row.lastchange_sec) + static_cast<double>(row.lastchange_usec) / 1e6;
  }
  auto& c = out.counters;
  c.rx_bytes = row.ibytes;
  c.tx_bytes = row.obytes;
  c.rx_packets = row.ipackets;
  c.tx_packets = row.opackets;
  c.rx_errors = row.ierrors;
  c.tx_errors = row.oerrors;
  c.rx_dropped = row.iqdrops;
  c.tx_dropped = row.oqdrops;
  c.collisions = row.collisions;
  c.rx_multicast = row.imcasts;
  c.tx_multicast = row.omcasts;
  c.rx_unknown_protocol = row.noproto;
  out.ether = std::move(ether);
  return out;
}

SendQueue to_send_queue(const IfmibRow& row, std::uint32_t index) {
  SendQueue q;
  q.device = row.name;
  q.index = index;
  q.length = row.snd_len > 0 ? static_cast<std::uint64_t>(row.snd_len) : 0;
  if (row.snd_maxlen >= 0) q.max_length = static_cast<std::uint64_t>(row.snd_maxlen);
  // On FreeBSD >= 11 sysctl_ifdata (sys/net/if_mib.c) fills ifmd_snd_drops from
  // if_get_counter(IFCOUNTER_OQDROPS), the same counter as if_data.ifi_oqdrops, but truncated
  // to a 32-bit int. Use the 64-bit copy so the counter does not wrap at 2^31.
  q.drops = row.oqdrops;
  return q;
}

}  // namespace ifmib::platform::freebsd
