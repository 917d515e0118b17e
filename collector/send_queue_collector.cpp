#include "collector/send_queue_collector.h"

namespace ifmib::collector {

using prometheus::MetricType;

namespace {

const MetricSpec kMetrics[] = {
    {"ifmib_send_queue_length", MetricType::Gauge, "Packets in the interface's send queue now."},
    {"ifmib_send_queue_max_length", MetricType::Gauge,
     "Maximum length of the send queue in packets; absent when the queue's limit is not counted in packets."},
    {"ifmib_send_queue_drops_total", MetricType::Counter, "Packets dropped because the send queue was full."},
    {"ifmib_send_queue_backlog_bytes", MetricType::Gauge, "Bytes in the send queue now."},
    {"ifmib_send_queue_requeues_total", MetricType::Counter,
     "Packets put back into the send queue because the device could not take them."},
    {"ifmib_send_queue_overlimits_total", MetricType::Counter,
     "Times the queueing discipline held back packets because a rate or size limit was reached."},
    {"ifmib_send_queue_info", MetricType::Gauge, "Queueing discipline of the send queue; always 1."},
};
enum Metric : std::size_t { kLength, kMaxLength, kDrops, kBacklog, kRequeues, kOverlimits, kInfo, kCount };
static_assert(kCount == std::size(kMetrics), "keep enum Metric in step with kMetrics");

}  // namespace

std::span<const MetricSpec> SendQueueCollector::metrics() { return kMetrics; }

platform::Result<Families> SendQueueCollector::collect(platform::Reader& reader) const {
  auto queues = reader.send_queues();
  if (!queues) return queues.error().within("send_queue");

  Families f;
  for (const auto& spec : kMetrics) f.push_back(make_family(spec));
  for (const auto& q : *queues) {
    if (!options_.devices.accepts(q.device)) continue;
    const std::string& d = q.device;
    add_sample(f[kLength], {{"device", d}}, static_cast<double>(q.length));
    if (q.max_length) add_sample(f[kMaxLength], {{"device", d}}, static_cast<double>(*q.max_length));
    add_sample(f[kDrops], {{"device", d}}, static_cast<double>(q.drops));
    if (q.backlog_bytes) add_sample(f[kBacklog], {{"device", d}}, static_cast<double>(*q.backlog_bytes));
    if (q.requeues) add_sample(f[kRequeues], {{"device", d}}, static_cast<double>(*q.requeues));
    if (q.overlimits) add_sample(f[kOverlimits], {{"device", d}}, static_cast<double>(*q.overlimits));
    if (!q.discipline.empty()) add_sample(f[kInfo], {{"device", d}, {"qdisc", q.discipline}}, 1);
  }
  Families out;
  append_nonempty(out, std::move(f));
  return out;
}

}  // namespace ifmib::collector
