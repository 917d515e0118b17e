#include "platform/linux/qdisc_dump_parser.h"

#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <unordered_map>

#include "platform/linux/netlink_message.h"

namespace ifmib::platform::netlink {

namespace {

// struct gnet_stats_basic is {__u64 bytes; __u32 packets;}: 12 bytes of data, 16 with the
// padding the kernel copies along; accept the data size.
constexpr std::size_t kBasicMinLength = offsetof(gnet_stats_basic, packets) + sizeof(std::uint32_t);
// struct tc_stats: {__u64 bytes; __u32 packets, drops, overlimits, bps, pps, qlen, backlog;}.
constexpr std::size_t kTcStatsMinLength = offsetof(tc_stats, backlog) + sizeof(std::uint32_t);

constexpr std::array<AttributeRule, TCA_MAX + 1> qdisc_rules() {
  std::array<AttributeRule, TCA_MAX + 1> rules{};
  rules[TCA_KIND] = {MNL_TYPE_STRING, 0};
  rules[TCA_STATS] = {MNL_TYPE_UNSPEC, kTcStatsMinLength};
  rules[TCA_STATS2] = {MNL_TYPE_NESTED, 0};
  return rules;
}
constexpr auto kQdiscRules = qdisc_rules();

constexpr std::array<AttributeRule, TCA_STATS_MAX + 1> stats2_rules() {
  std::array<AttributeRule, TCA_STATS_MAX + 1> rules{};
  rules[TCA_STATS_BASIC] = {MNL_TYPE_UNSPEC, kBasicMinLength};
  rules[TCA_STATS_QUEUE] = {MNL_TYPE_UNSPEC, sizeof(gnet_stats_queue)};
  rules[TCA_STATS_PKT64] = {MNL_TYPE_U64, 0};
  return rules;
}
constexpr auto kStats2Rules = stats2_rules();

// Disciplines whose TCA_OPTIONS is a bare struct tc_fifo_qopt with a limit in packets
// (net/sched/sch_fifo.c; bfifo shares the struct but counts bytes).
bool has_packet_fifo_limit(const std::string& kind) { return kind == "pfifo" || kind == "pfifo_head_drop"; }

// Roots whose children are one qdisc per TX queue.
bool is_multiqueue_root(const std::string& kind) { return kind == "mq" || kind == "mqprio"; }
// mqprio numbers its traffic-class classes from TC_H_MIN_PRIORITY (0xFFE0) up; TX queue classes
// are 1..num_tx_queues, and a device has at most 4096 of them (dev->num_tx_queues is capped by
// the driver; veth allows 4096).
constexpr std::uint32_t kMaxTxQueueMinor = 0xFFDF;

using QdiscTable = std::array<const nlattr*, TCA_MAX + 1>;

Status decode_qdisc(const tcmsg& tcm, const QdiscTable& tb, const MessagePlace& place, QdiscRow& row) {
  if (tb[TCA_KIND] == nullptr) return Error::invalid(place.text(), "no TCA_KIND");

  row.ifindex = static_cast<std::uint32_t>(tcm.tcm_ifindex);
  row.handle = tcm.tcm_handle;
  row.parent = tcm.tcm_parent;
  row.kind = attribute_string(tb[TCA_KIND]);

  std::array<const nlattr*, TCA_STATS_MAX + 1> st{};
  if (tb[TCA_STATS2] != nullptr) {
    if (auto status = parse_attributes(mnl_attr_get_payload(tb[TCA_STATS2]), mnl_attr_get_payload_len(tb[TCA_STATS2]),
                                       st, kStats2Rules);
        !status) {
      return status.error().within(place.text() + ": TCA_STATS2");
    }
  }
  const nlattr* legacy = tb[TCA_STATS];

  if (st[TCA_STATS_BASIC] != nullptr) {
    row.sent_bytes = attribute_field<std::uint64_t>(st[TCA_STATS_BASIC], offsetof(gnet_stats_basic, bytes));
    row.sent_packets = attribute_field<std::uint32_t>(st[TCA_STATS_BASIC], offsetof(gnet_stats_basic, packets));
    // Since 5.16 the kernel adds the full 64-bit packet count when it exceeds 32 bits.
    if (st[TCA_STATS_PKT64] != nullptr) row.sent_packets = mnl_attr_get_u64(st[TCA_STATS_PKT64]);
  } else if (legacy != nullptr) {
    row.sent_bytes = attribute_field<std::uint64_t>(legacy, offsetof(tc_stats, bytes));
    row.sent_packets = attribute_field<std::uint32_t>(legacy, offsetof(tc_stats, packets));
  }

  if (st[TCA_STATS_QUEUE] != nullptr) {
    const nlattr* q = st[TCA_STATS_QUEUE];
    row.qlen = attribute_field<std::uint32_t>(q, offsetof(gnet_stats_queue, qlen));
    row.backlog_bytes = attribute_field<std::uint32_t>(q, offsetof(gnet_stats_queue, backlog));
    row.drops = attribute_field<std::uint32_t>(q, offsetof(gnet_stats_queue, drops));
    row.requeues = attribute_field<std::uint32_t>(q, offsetof(gnet_stats_queue, requeues));
    row.overlimits = attribute_field<std::uint32_t>(q, offsetof(gnet_stats_queue, overlimits));
  } else if (legacy != nullptr) {
    row.qlen = attribute_field<std::uint32_t>(legacy, offsetof(tc_stats, qlen));
    row.backlog_bytes = attribute_field<std::uint32_t>(legacy, offsetof(tc_stats, backlog));
    row.drops = attribute_field<std::uint32_t>(legacy, offsetof(tc_stats, drops));
    row.overlimits = attribute_field<std::uint32_t>(legacy, offsetof(tc_stats, overlimits));
  } else {
    return Error::invalid(place.text(), "neither TCA_STATS2/TCA_STATS_QUEUE nor TCA_STATS");
  }

  if (has_packet_fifo_limit(row.kind) && tb[TCA_OPTIONS] != nullptr) {
    if (mnl_attr_get_payload_len(tb[TCA_OPTIONS]) < sizeof(tc_fifo_qopt)) {
      return Error::invalid(place.text(), "TCA_OPTIONS shorter than struct tc_fifo_qopt");
    }
    row.packet_limit = attribute_field<std::uint32_t>(tb[TCA_OPTIONS], offsetof(tc_fifo_qopt, limit));
  }
  return ok_status();
}

}  // namespace

namespace {

Result<std::vector<QdiscRow>> parse_qdisc_dump(std::span<const std::uint8_t> bytes, std::size_t messages) {
  return parse_dump<QdiscRow, tcmsg>(
      bytes, messages, {RTM_NEWQDISC}, {"qdisc dump", "RTM_NEWQDISC", "struct tcmsg"}, kQdiscRules,
      [](const tcmsg& tcm) { return tcm.tcm_ifindex; }, decode_qdisc);
}

}  // namespace

Result<std::vector<QdiscRow>> parse_qdisc_dump(std::span<const std::uint8_t> bytes) { return parse_qdisc_dump(bytes, 0); }

Result<std::vector<QdiscRow>> parse_qdisc_dump(const DumpBytes& dump) { return parse_qdisc_dump(dump, dump.message_count()); }

std::vector<LinkName> link_names_of(const std::vector<LinkRow>& links) {
  std::vector<LinkName> names;
  names.reserve(links.size());
  for (const auto& link : links) names.push_back({link.interface.index, link.interface.name, link.interface.tx_queue_length});
  return names;
}

std::vector<SendQueue> send_queues_from(const std::vector<QdiscRow>& qdiscs, const std::vector<LinkRow>& links,
                                       const SendQueueQuery& query) {
  return send_queues_from(qdiscs, link_names_of(links), query);
}

std::vector<SendQueue> send_queues_from(const std::vector<QdiscRow>& qdiscs, std::span<const LinkName> links,
                                       const SendQueueQuery& query) {
  // Links by ifindex, sorted (a dump lists them in ifindex order, so usually no sort runs), the
  // first of equal indexes first. A hash map's node per link was a thousand allocations per
  // send-queue scrape at 1000 interfaces (bench/callgrind.sh: 2.6 -> 2.2 M instructions).
  std::vector<const LinkName*> by_index;
  by_index.reserve(links.size());
  for (const auto& link : links) by_index.push_back(&link);
  const auto index_less = [](const LinkName* a, const LinkName* b) { return a->index < b->index; };
  if (!std::is_sorted(by_index.begin(), by_index.end(), index_less)) {
    std::stable_sort(by_index.begin(), by_index.end(), index_less);
  }
  const auto link_of = [&](std::uint32_t index) -> const LinkName* {
    const auto found = std::lower_bound(by_index.begin(), by_index.end(), index,
                                        [](const LinkName* l, std::uint32_t i) { return l->index < i; });
    return found != by_index.end() && (*found)->index == index ? *found : nullptr;
  };

  std::vector<SendQueue> queues;
  queues.reserve(static_cast<std::size_t>(
      std::count_if(qdiscs.begin(), qdiscs.end(), [](const QdiscRow& q) { return q.parent == TC_H_ROOT; })));
  // Multiqueue roots by ifindex: position in `queues` and the root's handle major.
  std::unordered_map<std::uint32_t, std::pair<std::size_t, std::uint32_t>> multiqueue;
  bool any_child = false;
  for (const auto& q : qdiscs) {
    if (q.parent != TC_H_ROOT) {
      any_child = true;
      continue;
    }
    if (q.kind == "noqueue") continue;
    const LinkName* const link = link_of(q.ifindex);
    if (link == nullptr) continue;
    SendQueue out;
    out.device = link->name;
    out.index = q.ifindex;
    out.discipline = q.kind;
    out.length = q.qlen;
    if (q.kind == "pfifo_fast") {
      if (link->txqlen) out.max_length = *link->txqlen;
    } else if (q.packet_limit) {  // pfifo, pfifo_head_drop
      out.max_length = *q.packet_limit;
    }
    out.drops = q.drops;
    out.backlog_bytes = q.backlog_bytes;
    out.requeues = q.requeues;
    out.overlimits = q.overlimits;
    if (is_multiqueue_root(q.kind)) multiqueue.emplace(q.ifindex, std::pair{queues.size(), TC_H_MAJ(q.handle)});
    queues.push_back(std::move(out));
  }
  if (!query.per_queue || multiqueue.empty() || !any_child) return queues;

  // mq and mqprio attach one child qdisc per TX queue at class <root major>:<queue + 1>
  // (net/sched/sch_mq.c mq_attach, sch_mqprio.c mqprio_attach); their own statistics are the
  // sum over those children, added up at dump time (mq_dump, mqprio_dump).
  for (const auto& q : qdiscs) {
    if (q.parent == TC_H_ROOT || q.parent == TC_H_UNSPEC) continue;
    const auto root = multiqueue.find(q.ifindex);
    if (root == multiqueue.end() || TC_H_MAJ(q.parent) != root->second.second) continue;
    const std::uint32_t minor = TC_H_MIN(q.parent);
    if (minor == 0 || minor > kMaxTxQueueMinor) continue;  // mqprio's traffic-class classes
    TransmitQueue t;
    t.queue = std::to_string(minor - 1);
    t.discipline = q.kind;
    t.drops = q.drops;
    t.length = q.qlen;
    t.backlog_bytes = q.backlog_bytes;
    t.requeues = q.requeues;
    queues[root->second.first].queues.push_back(std::move(t));
  }
  for (auto& [ifindex, root] : multiqueue) {
    auto& children = queues[root.first].queues;
    std::sort(children.begin(), children.end(), [](const TransmitQueue& a, const TransmitQueue& b) {
      return a.queue.size() != b.queue.size() ? a.queue.size() < b.queue.size() : a.queue < b.queue;
    });
  }
  return queues;
}

}  // namespace ifmib::platform::netlink
