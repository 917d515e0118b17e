#include "collector/ifmib_collector.h"

#include <charconv>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
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

namespace {

// Numbers as label text, on the stack.
struct NumberText {
  template <class Number>
  explicit NumberText(Number n) : size(static_cast<std::size_t>(std::to_chars(text, std::end(text), n).ptr - text)) {}
  std::string_view view() const { return {text, size}; }
  char text[24];
  std::size_t size;
};

// The facts each kind of label text is rendered from, and the rendering, which reads nothing
// else: the last scrape's text serves again exactly when these compare equal. A label added to
// a rendering goes into its facts, and so into the comparison.
auto device_facts(const platform::Interface& i) { return std::tie(i.name); }
auto info_facts(const platform::Interface& i) { return std::tie(i.index, i.type, i.driver, i.alias); }
auto lower_facts(const platform::Interface& i) { return std::tie(i.lower_index, i.lower_netnsid); }

// Calls `use` with the own labels (after the device label) of an interface's ifmib_info and
// ifmib_lower_info series.
template <class Use>
void with_info_labels(const platform::Interface& i, Use&& use) {
  const auto& [index, type, driver, alias] = info_facts(i);
  use({{"ifindex", NumberText(index).view()}, {"iftype", type}, {"driver", driver}, {"alias", alias}});
}
template <class Use>
void with_lower_labels(const platform::Interface& i, Use&& use) {
  const auto& [index, netnsid] = lower_facts(i);
  use({{"lower_ifindex", NumberText(index.value_or(0)).view()},
       {"lower_netnsid", netnsid ? NumberText(*netnsid).view() : std::string_view()}});
}

// True when `now` and `before` list as many interfaces, each with the same `facts`.
template <class Facts>
bool same_facts(const std::vector<const platform::Interface*>& now, const std::vector<const platform::Interface*>& before,
                Facts facts) {
  if (now.size() != before.size()) return false;
  for (std::size_t k = 0; k < now.size(); ++k) {
    if (facts(*now[k]) != facts(*before[k])) return false;
  }
  return true;
}

}  // namespace

Result<Families> IfmibCollector::collect(platform::Reader& reader) const {
  const auto read = reader.shared_interfaces();
  if (!read) return read.error().within("ifmib");
  std::vector<const platform::Interface*> interfaces;
  interfaces.reserve((*read)->size());
  for (const auto& i : **read) {
    if (options_.devices.accepts(i.name)) interfaces.push_back(&i);
  }
  const std::shared_ptr<const Rendered> last = last_.get();
  const bool devices_again = last && same_facts(interfaces, last->interfaces, device_facts);
  const bool info_again = devices_again && same_facts(interfaces, last->interfaces, info_facts);
  const bool lower_again = devices_again && same_facts(interfaces, last->interfaces, lower_facts);

  // About the size of the device labels: room for the device text and the info family's own.
  std::size_t device_label_bytes = 0;
  if (!info_again) {
    for (const auto* i : interfaces) device_label_bytes += device_label_size(i->name);
  }

  // Each interface's device label, written once into text every family refers to.
  std::optional<SharedLabels> devices;
  std::vector<LabelSlice> device_of;
  if (devices_again) {
    devices.emplace(last->devices);
    device_of = last->device_of;
  } else {
    devices.emplace();
    devices->reserve(device_label_bytes);
    device_of.reserve(interfaces.size());
    for (const auto* i : interfaces) {
      const auto& [name] = device_facts(*i);
      device_of.push_back(devices->add({{"device", name}}));
    }
  }

  Families f;
  f.reserve(kCount);
  for (const auto& spec : kMetrics) f.push_back(make_family(spec));

  // Sized once from the interfaces: grown sample by sample, each family's vector and label string
  // were reallocated and copied about ten times each per scrape at 1000 interfaces (a sixteenth
  // of a collect[]=ifmib scrape's instructions, bench/callgrind.sh: 9.7 -> 9.1 M). Families that
  // stay empty on a platform are dropped below; their room is freed with them.
  std::size_t flag_samples = 0;
  for (const auto* i : interfaces) flag_samples += i->known_flags.size();
  for (auto& family : f) reserve(family, interfaces.size(), 0);
  reserve(f[kFlag], flag_samples, 0);
  if (lower_again) f[kLower] = last->lower;  // into the room reserved above
  if (info_again) {
    f[kInfo] = last->info;
  } else {
    reserve(f[kInfo], 0, 3 * device_label_bytes);  // its own text: ifindex, iftype, driver and alias
  }
  use_shared_labels(f[kFlag], *devices);  // for add_bit_samples below

  // ifindex -> name, for masters; built at the first interface that has one (most hosts have
  // none, and a node per interface was a tenth of the collector's own instructions).
  std::unordered_map<std::uint32_t, const std::string*> names;
  const auto name_of = [&](std::uint32_t index) -> const std::string* {
    if (names.empty()) {
      names.reserve((*read)->size());
      for (const auto& i : **read) names.emplace(i.index, &i.name);
    }
    const auto found = names.find(index);
    return found == names.end() ? nullptr : found->second;
  };
  FlagLabels flag_labels(f[kFlag]);

  for (std::size_t n = 0; n < interfaces.size(); ++n) {
    const platform::Interface& i = *interfaces[n];
    const LabelSlice device = device_of[n];
    // A sample of family k with the device label alone, or followed by `more`.
    const auto add = [&](std::size_t k, double value) { add_sample(f[k], *devices, device, value); };
    const auto add_more = [&](std::size_t k, std::initializer_list<Label> more, double value) {
      add_sample(f[k], *devices, device, more, value);
    };
    if (!info_again) with_info_labels(i, [&](std::initializer_list<Label> labels) { add_more(kInfo, labels, 1); });
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
    if (i.lower_index && !lower_again) {
      with_lower_labels(i, [&](std::initializer_list<Label> labels) { add_more(kLower, labels, 1); });
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
  // Kept with the snapshot its facts point into; when nothing changed the last one stays (its
  // facts are these).
  if (!info_again || !lower_again) {
    last_.keep(std::make_shared<const Rendered>(
        Rendered{*read, std::move(interfaces), devices->text(), std::move(device_of), f[kInfo], f[kLower]}));
  }
  Families out;
  append_nonempty(out, std::move(f));
  return out;
}

}  // namespace ifmib::collector
