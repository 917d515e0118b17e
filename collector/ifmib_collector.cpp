#include "collector/ifmib_collector.h"

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ifmib::collector {

using prometheus::MetricType;

namespace {

// Positions in kMetrics; each row below names its own.
enum Metric : std::size_t {
  kInfo, kFlag, kAdminUp, kOperUp, kOperStatus, kMaster, kLower, kStackingRead, kPromisc, kMtu, kBaud, kFullDuplex,
  kAutoneg,
  kRxBytes, kTxBytes, kRxPackets, kTxPackets, kRxErrors, kTxErrors, kRxDrops, kTxDrops, kRxMcast, kTxMcast,
  kCollisions, kNoproto, kLinkChanges, kLastChange, kCount
};
constexpr MetricRow<Metric> kRows[] = {
    {kInfo,
     {"ifmib_info", MetricType::Gauge,
      "Interface metadata: index, link type (iftype: Linux ARPHRD, FreeBSD IFT), driver and alias; always 1."}},
    {kFlag,
     {"ifmib_flag", MetricType::Gauge,
      "1 if the interface flag (IFF_*) is set, 0 if not; one series per flag the OS defines."}},
    {kAdminUp,
     {"ifmib_admin_up", MetricType::Gauge,
      "1 if the interface is administratively up (IFF_UP, ifAdminStatus up(1))."}},
    {kOperUp,
     {"ifmib_oper_up", MetricType::Gauge,
      "1 if the operational status (RFC 2863 ifOperStatus) is up, else 0, as node_network_up."}},
    {kOperStatus,
     {"ifmib_oper_status", MetricType::Gauge,
      "RFC 2863 ifOperStatus: 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown."}},
    {kMaster,
     {"ifmib_master_info", MetricType::Gauge,
      "The interface is enslaved to master (Linux bridge, bond, team or VRF from IFLA_MASTER; FreeBSD "
      "bridge or lagg); always 1."}},
    {kLower,
     {"ifmib_lower_info", MetricType::Gauge,
      "The interface runs over lower_ifindex (Linux VLAN parent or veth peer from IFLA_LINK; FreeBSD vlan "
      "parent), in namespace lower_netnsid (IFLA_LINK_NETNSID, empty: this one); always 1."}},
    {kStackingRead,
     {"ifmib_stacking_read_success", MetricType::Gauge,
      "FreeBSD lagg, vlan and bridge interfaces: 1 if this scrape read the interface's ports, parent or "
      "members, 0 if that ioctl failed (their relations are then absent)."}},
    {kPromisc,
     {"ifmib_promiscuous_listeners", MetricType::Gauge,
      "Number of promiscuous-mode listeners on the interface."}},
    {kMtu, {"ifmib_mtu_bytes", MetricType::Gauge, "Maximum transmission unit."}},
    {kBaud, {"ifmib_baudrate_bytes_per_second", MetricType::Gauge, "Link speed; absent when unknown."}},
    {kFullDuplex,
     {"ifmib_full_duplex", MetricType::Gauge,
      "1 if the link runs full duplex, 0 if half duplex; absent when unknown."}},
    {kAutoneg,
     {"ifmib_autonegotiation_enabled", MetricType::Gauge,
      "1 if speed and duplex are autonegotiated, 0 if forced; absent when unknown."}},
    {kRxBytes, {"ifmib_receive_bytes_total", MetricType::Counter, "Bytes received."}},
    {kTxBytes, {"ifmib_transmit_bytes_total", MetricType::Counter, "Bytes transmitted."}},
    {kRxPackets, {"ifmib_receive_packets_total", MetricType::Counter, "Packets received."}},
    {kTxPackets, {"ifmib_transmit_packets_total", MetricType::Counter, "Packets transmitted."}},
    {kRxErrors, {"ifmib_receive_errors_total", MetricType::Counter, "Input errors."}},
    {kTxErrors, {"ifmib_transmit_errors_total", MetricType::Counter, "Output errors."}},
    {kRxDrops, {"ifmib_receive_drops_total", MetricType::Counter, "Packets dropped on input."}},
    {kTxDrops, {"ifmib_transmit_drops_total", MetricType::Counter, "Packets dropped on output."}},
    {kRxMcast, {"ifmib_receive_multicast_packets_total", MetricType::Counter, "Multicast packets received."}},
    {kTxMcast, {"ifmib_transmit_multicast_packets_total", MetricType::Counter, "Multicast packets transmitted."}},
    {kCollisions, {"ifmib_collisions_total", MetricType::Counter, "Collisions on CSMA/CD media."}},
    {kNoproto,
     {"ifmib_receive_unknown_protocol_packets_total", MetricType::Counter,
      "Packets received for an unknown or unsupported protocol (FreeBSD noproto, Linux rx_nohandler)."}},
    {kLinkChanges,
     {"ifmib_link_changes_total", MetricType::Counter,
      "Carrier changes (up or down) since the interface was created."}},
    {kLastChange,
     {"ifmib_last_change_timestamp_seconds", MetricType::Gauge,
      "Unix time of the last change of the interface's operational state."}},
};
constexpr auto kMetrics = metric_table<kCount>(kRows);

// `flag="<name>"` for each name of an OS's flag list, written into the flag family once per
// scrape and shared by every interface's flag series, as is each interface's device label
// (add_shared_labels): the flag series are a third of the interface MIB's (19 of 41 per interface
// on Linux), and rendering, then copying, their labels per series took a fifth, then a tenth, of a
// collect[]=ifmib scrape's instructions (bench/callgrind.sh).
class FlagLabels {
 public:
  explicit FlagLabels(Family& family) : family_(family) {}

  const std::vector<LabelSlice>& of(const platform::StaticNames& names) {
    // Every interface of one reader views the same static table: same pointer, same labels.
    if (names.data() != names_.data() || names.size() != names_.size()) {
      names_ = std::span(names.data(), names.size());
      slices_.clear();
      slices_.reserve(names.size());
      for (const std::string_view name : names) slices_.push_back(add_shared_labels(family_, RenderedLabels({{"flag", name}})));
    }
    return slices_;
  }

 private:
  Family& family_;
  std::span<const std::string_view> names_;
  std::vector<LabelSlice> slices_;
};

}  // namespace

std::span<const MetricSpec> IfmibCollector::metrics() { return kMetrics; }

Result<Families> IfmibCollector::collect(platform::Reader& reader) const {
  const auto read = reader.shared_interfaces();
  if (!read) return read.error().within("ifmib");
  const std::vector<platform::Interface>& interfaces = **read;

  Families f;
  f.reserve(kCount);
  for (const auto& spec : kMetrics) f.push_back(make_family(spec));
  // Sized once from the interfaces: grown sample by sample, each family's vector and label string
  // were reallocated and copied about ten times each per scrape at 1000 interfaces (a sixteenth
  // of a collect[]=ifmib scrape's instructions, bench/callgrind.sh: 9.7 -> 9.1 M). Families that
  // stay empty on a platform are dropped below; their room is freed with them.
  std::size_t device_label_bytes = 0;
  std::size_t flag_samples = 0;
  for (const auto& i : interfaces) {
    device_label_bytes += device_label_size(i.name);
    flag_samples += i.known_flags.size();
  }
  // Each interface's device label is written once, into text every family refers to.
  SharedLabels devices;
  devices.reserve(device_label_bytes);
  for (auto& family : f) reserve(family, interfaces.size(), 0);
  reserve(f[kFlag], flag_samples, 0);
  reserve(f[kInfo], 0, 3 * device_label_bytes);  // its own text: ifindex, iftype, driver and alias
  use_shared_labels(f[kFlag], devices);           // for add_bit_samples below

  // ifindex -> name, for masters; built at the first interface that has one (most hosts have
  // none, and a node per interface was a tenth of the collector's own instructions).
  std::unordered_map<std::uint32_t, const std::string*> names;
  const auto name_of = [&](std::uint32_t index) -> const std::string* {
    if (names.empty()) {
      names.reserve(interfaces.size());
      for (const auto& i : interfaces) names.emplace(i.index, &i.name);
    }
    const auto found = names.find(index);
    return found == names.end() ? nullptr : found->second;
  };
  FlagLabels flag_labels(f[kFlag]);

  for (const auto& i : interfaces) {
    if (!options_.devices.accepts(i.name)) continue;
    const LabelSlice device = devices.add({{"device", i.name}});
    // A sample of family k with the device label alone, or followed by `more`.
    const auto add = [&](std::size_t k, double value) { add_sample(f[k], devices, device, value); };
    const auto add_more = [&](std::size_t k, std::initializer_list<Label> more, double value) {
      add_sample(f[k], devices, device, more, value);
    };
    const std::string index = std::to_string(i.index);
    add_more(kInfo, {{"ifindex", index}, {"iftype", i.type}, {"driver", i.driver}, {"alias", i.alias}}, 1);
    const auto& flag_label = flag_labels.of(i.known_flags);
    if (i.known_flags.size() != 0) {
      // known_flags_set has a bit for the first 64 known flags; no decoder knows more.
      add_bit_samples(f[kFlag], device, flag_label, i.known_flags_set);
    }
    add(kAdminUp, i.admin_up ? 1 : 0);
    add(kOperUp, i.oper_status == platform::OperStatus::up ? 1 : 0);
    add(kOperStatus, static_cast<double>(i.oper_status));
    if (i.master_index) {
      // A master that vanished between the dump's messages has no name: no series rather than a wrong one.
      if (const std::string* master = name_of(*i.master_index)) add_more(kMaster, {{"master", *master}}, 1);
    }
    if (i.lower_index) {
      add_more(kLower,
               {{"lower_ifindex", std::to_string(*i.lower_index)},
                {"lower_netnsid", i.lower_netnsid ? std::to_string(*i.lower_netnsid) : std::string()}},
               1);
    }
    if (i.stacking_read) add(kStackingRead, *i.stacking_read ? 1 : 0);
    if (i.promiscuous_listeners) add(kPromisc, *i.promiscuous_listeners);
    if (i.mtu) add(kMtu, *i.mtu);
    if (i.baudrate_bits_per_second) add(kBaud, *i.baudrate_bits_per_second / 8.0);
    if (i.full_duplex) add(kFullDuplex, *i.full_duplex ? 1 : 0);
    if (i.autonegotiation) add(kAutoneg, *i.autonegotiation ? 1 : 0);
    const auto& c = i.counters;
    add(kRxBytes, static_cast<double>(c.rx_bytes));
    add(kTxBytes, static_cast<double>(c.tx_bytes));
    add(kRxPackets, static_cast<double>(c.rx_packets));
    add(kTxPackets, static_cast<double>(c.tx_packets));
    add(kRxErrors, static_cast<double>(c.rx_errors));
    add(kTxErrors, static_cast<double>(c.tx_errors));
    add(kRxDrops, static_cast<double>(c.rx_dropped));
    add(kTxDrops, static_cast<double>(c.tx_dropped));
    if (c.rx_multicast) add(kRxMcast, static_cast<double>(*c.rx_multicast));
    if (c.tx_multicast) add(kTxMcast, static_cast<double>(*c.tx_multicast));
    add(kCollisions, static_cast<double>(c.collisions));
    if (c.rx_unknown_protocol) add(kNoproto, static_cast<double>(*c.rx_unknown_protocol));
    if (i.link_changes) add(kLinkChanges, static_cast<double>(*i.link_changes));
    if (i.last_change_timestamp_seconds) add(kLastChange, *i.last_change_timestamp_seconds);
  }
  Families out;
  append_nonempty(out, std::move(f));
  return out;
}

}  // namespace ifmib::collector
