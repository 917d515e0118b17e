#include "collector/ifmib_collector.h"

#include <string>

namespace ifmib::collector {

using prometheus::MetricType;

namespace {

const MetricSpec kMetrics[] = {
    {"ifmib_info", MetricType::Gauge, "Interface metadata: index, link type, driver and alias; always 1."},
    {"ifmib_flags_info", MetricType::Gauge, "Interface flags that are set, comma-separated as ifconfig shows them; always 1."},
    {"ifmib_up", MetricType::Gauge, "1 if the interface is administratively up (IFF_UP)."},
    {"ifmib_link_up", MetricType::Gauge, "1 if the link (carrier) is up, 0 if down; absent when the state is unknown."},
    {"ifmib_promiscuous_listeners", MetricType::Gauge, "Number of promiscuous-mode listeners on the interface."},
    {"ifmib_mtu_bytes", MetricType::Gauge, "Maximum transmission unit."},
    {"ifmib_baudrate_bytes_per_second", MetricType::Gauge, "Link speed; absent when unknown."},
    {"ifmib_receive_bytes_total", MetricType::Counter, "Bytes received."},
    {"ifmib_transmit_bytes_total", MetricType::Counter, "Bytes transmitted."},
    {"ifmib_receive_packets_total", MetricType::Counter, "Packets received."},
    {"ifmib_transmit_packets_total", MetricType::Counter, "Packets transmitted."},
    {"ifmib_receive_errors_total", MetricType::Counter, "Input errors."},
    {"ifmib_transmit_errors_total", MetricType::Counter, "Output errors."},
    {"ifmib_receive_drops_total", MetricType::Counter, "Packets dropped on input."},
    {"ifmib_transmit_drops_total", MetricType::Counter, "Packets dropped on output."},
    {"ifmib_receive_multicast_packets_total", MetricType::Counter, "Multicast packets received."},
    {"ifmib_transmit_multicast_packets_total", MetricType::Counter, "Multicast packets transmitted."},
    {"ifmib_collisions_total", MetricType::Counter, "Collisions on CSMA/CD media."},
    {"ifmib_receive_unknown_protocol_packets_total", MetricType::Counter,
     "Packets received for an unknown or unsupported protocol (FreeBSD noproto, Linux rx_nohandler)."},
    {"ifmib_link_changes_total", MetricType::Counter, "Carrier changes (up or down) since the interface was created."},
    {"ifmib_last_change_timestamp_seconds", MetricType::Gauge,
     "Unix time of the last change of the interface's operational state."},
};

// Positions in kMetrics, in the same order.
enum Metric : std::size_t {
  kInfo, kFlags, kUp, kLinkUp, kPromisc, kMtu, kBaud, kRxBytes, kTxBytes, kRxPackets, kTxPackets, kRxErrors,
  kTxErrors, kRxDrops, kTxDrops, kRxMcast, kTxMcast, kCollisions, kNoproto, kLinkChanges, kLastChange, kCount
};

std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& flag : flags) {
    if (!out.empty()) out += ',';
    out += flag;
  }
  return out;
}

}  // namespace

std::span<const MetricSpec> IfmibCollector::metrics() { return kMetrics; }

platform::Result<Families> IfmibCollector::collect(platform::Reader& reader) const {
  auto interfaces = reader.interfaces();
  if (!interfaces) return interfaces.error().within("ifmib");

  Families f;
  f.reserve(kCount);
  for (const auto& spec : kMetrics) f.push_back(make_family(spec));

  for (const auto& i : *interfaces) {
    if (!options_.devices.accepts(i.name)) continue;
    const std::string& d = i.name;
    const std::string index = std::to_string(i.index);
    add_sample(f[kInfo], {{"device", d}, {"ifindex", index}, {"type", i.type}, {"driver", i.driver}, {"alias", i.alias}},
               1);
    add_sample(f[kFlags], {{"device", d}, {"flags", join_flags(i.flags)}}, 1);
    add_sample(f[kUp], {{"device", d}}, i.admin_up ? 1 : 0);
    if (i.link_up) add_sample(f[kLinkUp], {{"device", d}}, *i.link_up ? 1 : 0);
    if (i.promiscuous_listeners) add_sample(f[kPromisc], {{"device", d}}, *i.promiscuous_listeners);
    if (i.mtu) add_sample(f[kMtu], {{"device", d}}, *i.mtu);
    if (i.baudrate_bits_per_second) add_sample(f[kBaud], {{"device", d}}, *i.baudrate_bits_per_second / 8.0);
    const auto& c = i.counters;
    add_sample(f[kRxBytes], {{"device", d}}, static_cast<double>(c.rx_bytes));
    add_sample(f[kTxBytes], {{"device", d}}, static_cast<double>(c.tx_bytes));
    add_sample(f[kRxPackets], {{"device", d}}, static_cast<double>(c.rx_packets));
    add_sample(f[kTxPackets], {{"device", d}}, static_cast<double>(c.tx_packets));
    add_sample(f[kRxErrors], {{"device", d}}, static_cast<double>(c.rx_errors));
    add_sample(f[kTxErrors], {{"device", d}}, static_cast<double>(c.tx_errors));
    add_sample(f[kRxDrops], {{"device", d}}, static_cast<double>(c.rx_dropped));
    add_sample(f[kTxDrops], {{"device", d}}, static_cast<double>(c.tx_dropped));
    if (c.rx_multicast) add_sample(f[kRxMcast], {{"device", d}}, static_cast<double>(*c.rx_multicast));
    if (c.tx_multicast) add_sample(f[kTxMcast], {{"device", d}}, static_cast<double>(*c.tx_multicast));
    add_sample(f[kCollisions], {{"device", d}}, static_cast<double>(c.collisions));
    if (c.rx_unknown_protocol) add_sample(f[kNoproto], {{"device", d}}, static_cast<double>(*c.rx_unknown_protocol));
    if (i.link_changes) add_sample(f[kLinkChanges], {{"device", d}}, static_cast<double>(*i.link_changes));
    if (i.last_change_timestamp_seconds) add_sample(f[kLastChange], {{"device", d}}, *i.last_change_timestamp_seconds);
  }
  static_assert(kCount == std::size(kMetrics), "keep enum Metric in step with kMetrics");
  Families out;
  append_nonempty(out, std::move(f));
  return out;
}

}  // namespace ifmib::collector
