#include "collector/send_queue_collector.h"

#include <initializer_list>
#include <optional>

namespace ifmib::collector {

using prometheus::MetricType;

namespace {

// Positions in kMetrics; each row below names its own.
enum Metric : std::size_t {
  kLength, kMaxLength, kDrops, kBacklog, kRequeues, kOverlimits, kInfo,
  kTxDrops, kTxLength, kTxBacklog, kTxRequeues, kTxEnqueues, kTxStalls, kTxInfo, kCount
};
constexpr MetricRow<Metric> kRows[] = {
    {kLength, {"ifmib_send_queue_length", MetricType::Gauge, "Packets in the interface's send queue now."}},
    {kMaxLength,
     {"ifmib_send_queue_max_length", MetricType::Gauge,
      "Maximum length of the send queue in packets; absent when the queue's limit is not counted in packets."}},
    {kDrops,
     {"ifmib_send_queue_drops_total", MetricType::Counter,
      "Packets dropped because the send queue was full."}},
    {kBacklog, {"ifmib_send_queue_backlog_bytes", MetricType::Gauge, "Bytes in the send queue now."}},
    {kRequeues,
     {"ifmib_send_queue_requeues_total", MetricType::Counter,
      "Packets put back into the send queue because the device could not take them."}},
    {kOverlimits,
     {"ifmib_send_queue_overlimits_total", MetricType::Counter,
      "Times the queueing discipline held back packets because a rate or size limit was reached."}},
    {kInfo, {"ifmib_send_queue_info", MetricType::Gauge, "Queueing discipline of the send queue; always 1."}},
    // Per transmit queue (--collector.send_queue.per-queue); label `queue` is the TX queue index.
    {kTxDrops,
     {"ifmib_transmit_queue_drops_total", MetricType::Counter,
      "Packets dropped because one transmit queue of the interface was full."}},
    {kTxLength,
     {"ifmib_transmit_queue_length", MetricType::Gauge,
      "Packets in one transmit queue of the interface now."}},
    {kTxBacklog,
     {"ifmib_transmit_queue_backlog_bytes", MetricType::Gauge,
      "Bytes in one transmit queue of the interface now."}},
    {kTxRequeues,
     {"ifmib_transmit_queue_requeues_total", MetricType::Counter,
      "Packets put back into one transmit queue because the device could not take them."}},
    {kTxEnqueues,
     {"ifmib_transmit_queue_enqueues_total", MetricType::Counter,
      "Packets (and driver doorbell markers) put into one transmit ring of the interface."}},
    {kTxStalls,
     {"ifmib_transmit_queue_stalls_total", MetricType::Counter,
      "Times the consumer of one transmit ring stopped for lack of hardware descriptors."}},
    {kTxInfo,
     {"ifmib_transmit_queue_info", MetricType::Gauge,
      "Queueing discipline of one transmit queue; always 1."}},
};
constexpr auto kMetrics = metric_table<kCount>(kRows);

}  // namespace

std::span<const MetricSpec> SendQueueCollector::metrics() { return kMetrics; }

Result<Families> SendQueueCollector::collect(platform::Reader& reader) const {
  auto queues = reader.send_queues(platform::SendQueueQuery{options_.send_queue_per_queue});
  if (!queues) return queues.error().within("send_queue");

  Families f;
  for (const auto& spec : kMetrics) f.push_back(make_family(spec));
  // Sized once, as the interface MIB's families are (see there).
  std::size_t device_label_bytes = 0;
  for (const auto& q : *queues) device_label_bytes += device_label_size(q.device);
  for (auto& family : f) reserve(family, queues->size(), device_label_bytes);
  const auto put = [&f](Metric m, const RenderedLabels& labels, const std::optional<std::uint64_t>& v) {
    if (v) add_sample(f[m], labels, static_cast<double>(*v));
  };
  for (const auto& q : *queues) {
    if (!options_.devices.accepts(q.device)) continue;
    const std::string& d = q.device;
    const RenderedLabels device({{"device", d}});
    put(kLength, device, q.length);
    put(kMaxLength, device, q.max_length);
    add_sample(f[kDrops], device, static_cast<double>(q.drops));
    put(kBacklog, device, q.backlog_bytes);
    put(kRequeues, device, q.requeues);
    put(kOverlimits, device, q.overlimits);
    if (!q.discipline.empty()) add_sample(f[kInfo], device, {{"qdisc", q.discipline}}, 1);
    if (!options_.send_queue_per_queue) continue;
    for (const auto& t : q.queues) {
      const RenderedLabels labels({{"device", d}, {"queue", t.queue}});
      add_sample(f[kTxDrops], labels, static_cast<double>(t.drops));
      put(kTxLength, labels, t.length);
      put(kTxBacklog, labels, t.backlog_bytes);
      put(kTxRequeues, labels, t.requeues);
      put(kTxEnqueues, labels, t.enqueues);
      put(kTxStalls, labels, t.stalls);
      if (!t.discipline.empty()) add_sample(f[kTxInfo], {{"device", d}, {"queue", t.queue}, {"qdisc", t.discipline}}, 1);
    }
  }
  Families out;
  append_nonempty(out, std::move(f));
  return out;
}

}  // namespace ifmib::collector
