#include "collector/ether_collector.h"

#include <string>

namespace ifmib::collector {

using prometheus::MetricType;
using platform::EtherStats;

namespace {

// One row per RFC 1650 counter: the metric, its help, and where the snapshot keeps it.
struct Dot3Counter {
  MetricSpec spec;
  std::optional<std::uint64_t> EtherStats::*field;
};

const Dot3Counter kCounters[] = {
    {{"ifmib_dot3_alignment_errors_total", MetricType::Counter,
      "Frames received that are not an integral number of octets and fail the FCS check (dot3StatsAlignmentErrors)."},
     &EtherStats::alignment_errors},
    {{"ifmib_dot3_fcs_errors_total", MetricType::Counter,
      "Frames received that are an integral number of octets but fail the FCS check (dot3StatsFCSErrors)."},
     &EtherStats::fcs_errors},
    {{"ifmib_dot3_single_collision_frames_total", MetricType::Counter,
      "Frames transmitted after exactly one collision (dot3StatsSingleCollisionFrames)."},
     &EtherStats::single_collision_frames},
    {{"ifmib_dot3_multiple_collision_frames_total", MetricType::Counter,
      "Frames transmitted after more than one collision (dot3StatsMultipleCollisionFrames)."},
     &EtherStats::multiple_collision_frames},
    {{"ifmib_dot3_sqe_test_errors_total", MetricType::Counter,
      "SQE test error (heartbeat) messages (dot3StatsSQETestErrors)."},
     &EtherStats::sqe_test_errors},
    {{"ifmib_dot3_deferred_transmissions_total", MetricType::Counter,
      "Frames whose first transmission attempt was delayed because the medium was busy (dot3StatsDeferredTransmissions)."},
     &EtherStats::deferred_transmissions},
    {{"ifmib_dot3_late_collisions_total", MetricType::Counter,
      "Collisions detected later than 512 bit times into the transmission (dot3StatsLateCollisions)."},
     &EtherStats::late_collisions},
    {{"ifmib_dot3_excessive_collisions_total", MetricType::Counter,
      "Frames not transmitted because of excessive collisions (dot3StatsExcessiveCollisions)."},
     &EtherStats::excessive_collisions},
    {{"ifmib_dot3_internal_mac_transmit_errors_total", MetricType::Counter,
      "Frames not transmitted because of an internal MAC sublayer transmit error (dot3StatsInternalMacTransmitErrors)."},
     &EtherStats::internal_mac_transmit_errors},
    {{"ifmib_dot3_carrier_sense_errors_total", MetricType::Counter,
      "Times the carrier sense condition was lost or never asserted while transmitting (dot3StatsCarrierSenseErrors)."},
     &EtherStats::carrier_sense_errors},
    {{"ifmib_dot3_frame_too_longs_total", MetricType::Counter,
      "Frames received that exceed the maximum permitted frame size (dot3StatsFrameTooLongs)."},
     &EtherStats::frame_too_longs},
    {{"ifmib_dot3_internal_mac_receive_errors_total", MetricType::Counter,
      "Frames lost because of an internal MAC sublayer receive error (dot3StatsInternalMacReceiveErrors)."},
     &EtherStats::internal_mac_receive_errors},
    {{"ifmib_dot3_missed_frames_total", MetricType::Counter,
      "Frames missed by the receiver, e.g. for lack of buffers (FreeBSD dot3StatsMissedFrames, Linux rx_missed_errors)."},
     &EtherStats::missed_frames},
};

const MetricSpec kCollisionFrequencies{"ifmib_dot3_collision_frequency_frames_total", MetricType::Counter,
                                       "Frames transmitted after exactly the number of collisions in the label "
                                       "(dot3CollFrequencies)."};
const MetricSpec kChipset{"ifmib_dot3_chipset_info", MetricType::Gauge,
                          "Ethernet chipset as vendor and part numbers (dot3StatsEtherChipSet); always 1."};

const std::vector<MetricSpec> kMetrics = [] {
  std::vector<MetricSpec> all;
  for (const auto& c : kCounters) all.push_back(c.spec);
  all.push_back(kCollisionFrequencies);
  all.push_back(kChipset);
  return all;
}();

}  // namespace

std::span<const MetricSpec> EtherCollector::metrics() { return kMetrics; }

Result<Families> EtherCollector::collect(platform::Reader& reader) const {
  const auto read = reader.shared_interfaces();
  if (!read) return read.error().within("ether");
  const std::vector<platform::Interface>& interfaces = **read;

  Families counters;
  for (const auto& c : kCounters) counters.push_back(make_family(c.spec));
  auto frequencies = make_family(kCollisionFrequencies);
  auto chipset = make_family(kChipset);

  for (const auto& i : interfaces) {
    if (!i.ether || !options_.devices.accepts(i.name)) continue;
    const EtherStats& e = *i.ether;
    const RenderedLabels device({{"device", i.name}});
    for (std::size_t k = 0; k < std::size(kCounters); ++k) {
      const auto& value = e.*kCounters[k].field;
      if (value) add_sample(counters[k], device, static_cast<double>(*value));
    }
    for (std::size_t n = 0; n < e.collision_frequencies.size(); ++n) {
      add_sample(frequencies, device, {{"collisions", std::to_string(n + 1)}},
                 static_cast<double>(e.collision_frequencies[n]));
    }
    if (e.chipset) {
      add_sample(chipset,
                 {{"device", i.name}, {"vendor", std::to_string(*e.chipset >> 16)},
                  {"part", std::to_string(*e.chipset & 0xffffu)}},
                 1);
    }
  }
  counters.push_back(std::move(frequencies));
  counters.push_back(std::move(chipset));
  Families out;
  append_nonempty(out, std::move(counters));
  return out;
}

}  // namespace ifmib::collector
