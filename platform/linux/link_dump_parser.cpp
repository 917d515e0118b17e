#include "platform/linux/link_dump_parser.h"

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <array>
#include <bit>
#include <cstddef>
#include <utility>

#include "platform/linux/netlink_message.h"

namespace ifmib::platform::netlink {

namespace {

// The stats structs are extended at the end (rx_nohandler in 4.6, rx_otherhost_dropped in 5.19).
// Every kernel sends at least the original 23 fields; later fields are read only when present.
constexpr std::size_t kStats64OriginalFields = 23;
constexpr std::size_t kStats64MinLength = kStats64OriginalFields * sizeof(std::uint64_t);
constexpr std::size_t kStats32MinLength = kStats64OriginalFields * sizeof(std::uint32_t);
static_assert(offsetof(rtnl_link_stats64, rx_nohandler) == kStats64MinLength);
static_assert(offsetof(rtnl_link_stats, rx_nohandler) == kStats32MinLength);

constexpr std::array<AttributeRule, IFLA_MAX + 1> link_rules() {
  std::array<AttributeRule, IFLA_MAX + 1> rules{};
  rules[IFLA_IFNAME] = {MNL_TYPE_STRING, 0};
  rules[IFLA_IFALIAS] = {MNL_TYPE_STRING, 0};
  rules[IFLA_MTU] = {MNL_TYPE_U32, 0};
  rules[IFLA_TXQLEN] = {MNL_TYPE_U32, 0};
  rules[IFLA_OPERSTATE] = {MNL_TYPE_U8, 0};
  rules[IFLA_CARRIER] = {MNL_TYPE_U8, 0};
  rules[IFLA_PROMISCUITY] = {MNL_TYPE_U32, 0};
  rules[IFLA_CARRIER_CHANGES] = {MNL_TYPE_U32, 0};
  rules[IFLA_STATS] = {MNL_TYPE_UNSPEC, kStats32MinLength};
  rules[IFLA_STATS64] = {MNL_TYPE_UNSPEC, kStats64MinLength};
  rules[IFLA_LINKINFO] = {MNL_TYPE_NESTED, 0};
  rules[IFLA_MASTER] = {MNL_TYPE_U32, 0};
  rules[IFLA_LINK] = {MNL_TYPE_U32, 0};
  rules[IFLA_LINK_NETNSID] = {MNL_TYPE_U32, 0};  // an s32 (NLA_S32): same size
  return rules;
}
constexpr auto kLinkRules = link_rules();

constexpr std::array<AttributeRule, IFLA_INFO_MAX + 1> link_info_rules() {
  std::array<AttributeRule, IFLA_INFO_MAX + 1> rules{};
  rules[IFLA_INFO_KIND] = {MNL_TYPE_STRING, 0};
  return rules;
}
constexpr auto kLinkInfoRules = link_info_rules();

// Reads field `index` (0-based, in struct order) of a struct rtnl_link_stats64 (8-byte fields) or
// struct rtnl_link_stats (4-byte fields); both share the same field order.
class StatsView {
 public:
  StatsView(const nlattr* attr, std::size_t field_size) : attr_(attr), field_size_(field_size) {}

  std::uint64_t at(std::size_t index) const {
    if (field_size_ == sizeof(std::uint64_t)) return attribute_field<std::uint64_t>(attr_, index * field_size_);
    return attribute_field<std::uint32_t>(attr_, index * field_size_);
  }
  std::optional<std::uint64_t> optional_at(std::size_t index) const {
    if (attribute_payload_length(attr_) < (index + 1) * field_size_) return std::nullopt;
    return at(index);
  }

 private:
  const nlattr* attr_;
  std::size_t field_size_;
};

// Field positions in struct rtnl_link_stats64 / rtnl_link_stats (include/uapi/linux/if_link.h).
enum StatsField : std::size_t {
  kRxPackets, kTxPackets, kRxBytes, kTxBytes, kRxErrors, kTxErrors, kRxDropped, kTxDropped,
  kMulticast, kCollisions, kRxLengthErrors, kRxOverErrors, kRxCrcErrors, kRxFrameErrors,
  kRxFifoErrors, kRxMissedErrors, kTxAbortedErrors, kTxCarrierErrors, kTxFifoErrors,
  kTxHeartbeatErrors, kTxWindowErrors, kRxCompressed, kTxCompressed, kRxNohandler,
};
static_assert(offsetof(rtnl_link_stats64, tx_window_errors) == kTxWindowErrors * 8);
static_assert(offsetof(rtnl_link_stats64, rx_missed_errors) == kRxMissedErrors * 8);
static_assert(offsetof(rtnl_link_stats, tx_heartbeat_errors) == kTxHeartbeatErrors * 4);

InterfaceCounters counters_from(const StatsView& s) {
  InterfaceCounters c;
  c.rx_bytes = s.at(kRxBytes);
  c.tx_bytes = s.at(kTxBytes);
  c.rx_packets = s.at(kRxPackets);
  c.tx_packets = s.at(kTxPackets);
  c.rx_errors = s.at(kRxErrors);
  c.tx_errors = s.at(kTxErrors);
  c.rx_dropped = s.at(kRxDropped);
  c.tx_dropped = s.at(kTxDropped);
  c.collisions = s.at(kCollisions);
  c.rx_multicast = s.at(kMulticast);
  // rx_nohandler: "packets received on the interface but dropped by the networking stack
  // because the device is not designated to receive packets" - the Linux counterpart of
  // ifInUnknownProtos. Absent from kernels older than 4.6 (shorter struct).
  c.rx_unknown_protocol = s.optional_at(kRxNohandler);
  return c;
}

// The IEEE 802.3 mapping follows the per-field documentation of struct rtnl_link_stats64 in
// include/uapi/linux/if_link.h, which names the 802.3 clause 30 attribute each field equals.
EtherStats ether_from(const StatsView& s) {
  EtherStats e;
  e.alignment_errors = s.at(kRxFrameErrors);                // 30.3.1.1.7 aAlignmentErrors
  e.fcs_errors = s.at(kRxCrcErrors);                        // 30.3.1.1.6 aFrameCheckSequenceErrors
  e.sqe_test_errors = s.at(kTxHeartbeatErrors);             // 30.3.2.1.4 aSQETestErrors
  e.late_collisions = s.at(kTxWindowErrors);                // 30.3.1.1.10 aLateCollisions
  e.excessive_collisions = s.at(kTxAbortedErrors);          // 30.3.1.1.11 aFramesAbortedDueToXSColls
  e.carrier_sense_errors = s.at(kTxCarrierErrors);          // 30.3.1.1.13 aCarrierSenseErrors
  e.internal_mac_transmit_errors = s.at(kTxFifoErrors);     // "device FIFO underrun / underflow"
  e.internal_mac_receive_errors = s.at(kRxFifoErrors);      // "receiver FIFO error counter"
  e.missed_frames = s.at(kRxMissedErrors);                  // "packets missed by the host"
  return e;
}

// RFC 2863 ifOperStatus as the kernel reports it (IF_OPER_*, include/uapi/linux/if.h, and
// Documentation/networking/operstates.rst), unchanged: UNKNOWN stays unknown (loopback, drivers
// without carrier reporting), as /sys/class/net/<if>/operstate and `ip link` show it. A value
// newer than this code, or no IFLA_OPERSTATE at all, is unknown too.
OperStatus oper_status_from(const nlattr* operstate) {
  if (operstate == nullptr) return OperStatus::unknown;
  switch (attribute_field<std::uint8_t>(operstate)) {
    case IF_OPER_UP: return OperStatus::up;
    case IF_OPER_DOWN: return OperStatus::down;
    case IF_OPER_LOWERLAYERDOWN: return OperStatus::lower_layer_down;
    case IF_OPER_TESTING: return OperStatus::testing;
    case IF_OPER_DORMANT: return OperStatus::dormant;
    case IF_OPER_NOTPRESENT: return OperStatus::not_present;
    default: return OperStatus::unknown;
  }
}

// include/uapi/linux/if.h, enum net_device_flags, in bit order.
constexpr std::pair<std::uint32_t, const char*> kLinkFlagNames[] = {
    {IFF_UP, "up"},           {IFF_BROADCAST, "broadcast"},     {IFF_DEBUG, "debug"},
    {IFF_LOOPBACK, "loopback"}, {IFF_POINTOPOINT, "pointopoint"}, {IFF_NOTRAILERS, "notrailers"},
    {IFF_RUNNING, "running"}, {IFF_NOARP, "noarp"},             {IFF_PROMISC, "promisc"},
    {IFF_ALLMULTI, "allmulti"}, {IFF_MASTER, "master"},         {IFF_SLAVE, "slave"},
    {IFF_MULTICAST, "multicast"}, {IFF_PORTSEL, "portsel"},     {IFF_AUTOMEDIA, "automedia"},
    {IFF_DYNAMIC, "dynamic"}, {IFF_LOWER_UP, "lower_up"},       {IFF_DORMANT, "dormant"},
    {IFF_ECHO, "echo"},
};

// The names alone, for Interface::known_flags to view.
constexpr auto kKnownLinkFlags = [] {
  std::array<std::string_view, std::size(kLinkFlagNames)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = kLinkFlagNames[i].second;
  return names;
}();

using LinkTable = std::array<const nlattr*, IFLA_MAX + 1>;

// One RTM_NEWLINK message into `out` and its link kind into `kind`.
Status decode_interface(const ifinfomsg& ifi, const LinkTable& tb, const MessagePlace& place, Interface& out,
                        std::string& kind) {
  if (tb[IFLA_IFNAME] == nullptr) return Error::invalid(place.text(), "no IFLA_IFNAME");

  out.name = attribute_string(tb[IFLA_IFNAME]);
  out.index = static_cast<std::uint32_t>(ifi.ifi_index);
  out.type = link_type_name(ifi.ifi_type);
  if (tb[IFLA_IFALIAS] != nullptr) out.alias = attribute_string(tb[IFLA_IFALIAS]);
  out.admin_up = (ifi.ifi_flags & IFF_UP) != 0;
  out.oper_status = oper_status_from(tb[IFLA_OPERSTATE]);
  out.known_flags_set = link_flag_bits(ifi.ifi_flags);
  out.known_flags = known_link_flags();
  if (tb[IFLA_PROMISCUITY] != nullptr) out.promiscuous_listeners = attribute_field<std::uint32_t>(tb[IFLA_PROMISCUITY]);
  if (tb[IFLA_MTU] != nullptr) out.mtu = attribute_field<std::uint32_t>(tb[IFLA_MTU]);
  if (tb[IFLA_CARRIER_CHANGES] != nullptr) out.link_changes = attribute_field<std::uint32_t>(tb[IFLA_CARRIER_CHANGES]);
  if (tb[IFLA_TXQLEN] != nullptr) out.tx_queue_length = attribute_field<std::uint32_t>(tb[IFLA_TXQLEN]);
  if (tb[IFLA_MASTER] != nullptr) out.master_index = attribute_field<std::uint32_t>(tb[IFLA_MASTER]);
  if (tb[IFLA_LINK] != nullptr) out.lower_index = attribute_field<std::uint32_t>(tb[IFLA_LINK]);
  if (tb[IFLA_LINK_NETNSID] != nullptr) {
    out.lower_netnsid = static_cast<std::int32_t>(attribute_field<std::uint32_t>(tb[IFLA_LINK_NETNSID]));
  }

  std::optional<StatsView> stats;
  if (tb[IFLA_STATS64] != nullptr) {
    stats.emplace(tb[IFLA_STATS64], sizeof(std::uint64_t));
  } else if (tb[IFLA_STATS] != nullptr) {
    stats.emplace(tb[IFLA_STATS], sizeof(std::uint32_t));
  } else {
    return Error::invalid(place.text(), "neither IFLA_STATS64 nor IFLA_STATS");
  }
  out.counters = counters_from(*stats);
  if (ifi.ifi_type == ARPHRD_ETHER) out.ether = ether_from(*stats);

  if (tb[IFLA_LINKINFO] != nullptr) {
    std::array<const nlattr*, IFLA_INFO_MAX + 1> info{};
    if (auto status = parse_attributes(attribute_payload(tb[IFLA_LINKINFO]),
                                       attribute_payload_length(tb[IFLA_LINKINFO]), info, kLinkInfoRules);
        !status) {
      return status.error().within(place.text() + ": IFLA_LINKINFO");
    }
    if (info[IFLA_INFO_KIND] != nullptr) kind = attribute_string(info[IFLA_INFO_KIND]);
  }
  return ok_status();
}

Status decode_link(const ifinfomsg& ifi, const LinkTable& tb, const MessagePlace& place, LinkRow& row) {
  row.arphrd = ifi.ifi_type;
  return decode_interface(ifi, tb, place, row.interface, row.kind);
}

}  // namespace

std::string link_type_name(std::uint16_t arphrd) {
  switch (arphrd) {
    case ARPHRD_ETHER: return "ether";
    case ARPHRD_LOOPBACK: return "loopback";
    case ARPHRD_NONE: return "none";
    case ARPHRD_TUNNEL: return "ipip";
    case ARPHRD_SIT: return "sit";
    case ARPHRD_IPGRE: return "gre";
    case ARPHRD_IP6GRE: return "ip6gre";
    case ARPHRD_PPP: return "ppp";
    case ARPHRD_INFINIBAND: return "infiniband";
    default: return "arphrd_" + std::to_string(arphrd);
  }
}

std::vector<std::string> link_flag_names(std::uint32_t flags) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(std::popcount(flags)));  // one allocation, not one per doubling
  for (const auto& [bit, name] : kLinkFlagNames) {
    if ((flags & bit) != 0) names.emplace_back(name);
  }
  return names;
}

std::uint64_t link_flag_bits(std::uint32_t flags) {
  static_assert(std::size(kLinkFlagNames) <= 64, "Interface::known_flags_set holds 64 flags");
  return known_flags_set_of(flags, kLinkFlagNames);
}

std::span<const std::string_view> known_link_flags() { return kKnownLinkFlags; }

namespace {

// parse_dump for RTM_NEWLINK messages into rows of type Row, each decoded by `decode`.
template <class Row, class Decode>
Result<std::vector<Row>> parse_links(std::span<const std::uint8_t> bytes, std::size_t messages, Decode decode) {
  return parse_dump<Row, ifinfomsg>(
      bytes, messages, {RTM_NEWLINK}, {"link dump", "RTM_NEWLINK", "struct ifinfomsg"}, kLinkRules,
      [](const ifinfomsg& ifi) { return ifi.ifi_index; }, decode);
}

Result<std::vector<LinkRow>> parse_link_dump(std::span<const std::uint8_t> bytes, std::size_t messages) {
  return parse_links<LinkRow>(bytes, messages, decode_link);
}

}  // namespace

Result<std::vector<LinkRow>> parse_link_dump(std::span<const std::uint8_t> bytes) { return parse_link_dump(bytes, 0); }

Result<std::vector<LinkRow>> parse_link_dump(const DumpBytes& dump) { return parse_link_dump(dump, dump.message_count()); }

Result<std::vector<Interface>> parse_link_interfaces(const DumpBytes& dump, std::vector<std::string>& kinds) {
  kinds.clear();
  kinds.reserve(dump.message_count());
  return parse_links<Interface>(dump, dump.message_count(),
                                [&](const ifinfomsg& ifi, const LinkTable& tb, const MessagePlace& place, Interface& out) {
                                  return decode_interface(ifi, tb, place, out, kinds.emplace_back());
                                });
}

}  // namespace ifmib::platform::netlink
