#pragma once
// Parsing half of the send-queue listing: RTM_NEWQDISC dump bytes (from
// netlink::dump(DumpRequest::qdiscs())) to qdisc rows, and the pure step from qdisc rows and
// link rows to the snapshot's SendQueue values.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "platform/linux/dump_bytes.h"
#include "platform/linux/link_dump_parser.h"
#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::netlink {

/// One RTM_NEWQDISC message. Queue statistics are those of struct gnet_stats_queue
/// (include/uapi/linux/gen_stats.h), which the kernel keeps as 32-bit values.
struct QdiscRow {
  std::uint32_t ifindex = 0;
  std::uint32_t handle = 0;            // tcm_handle, major:minor in the high/low 16 bits
  std::uint32_t parent = 0;            // tcm_parent; TC_H_ROOT for the root qdisc
  std::string kind;                    // TCA_KIND: "pfifo_fast", "tbf", "noqueue", "mq", ...
  std::uint64_t sent_bytes = 0;        // counter (TCA_STATS_BASIC)
  std::uint64_t sent_packets = 0;      // counter (TCA_STATS_BASIC, TCA_STATS_PKT64 when present)
  std::uint64_t qlen = 0;              // packets queued now (gauge)
  std::uint64_t backlog_bytes = 0;     // bytes queued now (gauge)
  std::uint64_t drops = 0;             // counter
  std::optional<std::uint64_t> requeues;  // counter; absent when only legacy TCA_STATS was sent
  std::uint64_t overlimits = 0;        // counter
  std::optional<std::uint32_t> packet_limit;  // pfifo / pfifo_head_drop: tc_fifo_qopt.limit, packets

  bool operator==(const QdiscRow&) const = default;
};

/// Decodes every RTM_NEWQDISC message in `bytes`, in dump order. Statistics come from
/// TCA_STATS2 (TCA_STATS_BASIC, TCA_STATS_QUEUE), or the legacy TCA_STATS struct tc_stats when
/// TCA_STATS2 lacks them; a message with neither is an Error. Same failure rules as
/// parse_link_dump(): truncation, failed validation, NLMSG_ERROR or a foreign message type fail
/// the whole dump.
Result<std::vector<QdiscRow>> parse_qdisc_dump(std::span<const std::uint8_t> bytes);
/// The same on a dump from the socket code, whose rows are sized from the messages it counted.
Result<std::vector<QdiscRow>> parse_qdisc_dump(const DumpBytes& dump);

/// What the send-queue join needs of one link.
struct LinkName {
  std::uint32_t index = 0;              // ifindex
  std::string name;
  std::optional<std::uint32_t> txqlen;  // IFLA_TXQLEN, packets

  bool operator==(const LinkName&) const = default;
};

/// The LinkName of each row, in order.
std::vector<LinkName> link_names_of(const std::vector<LinkRow>& links);

/// The send queue of each interface: its root qdisc (parent == TC_H_ROOT; ingress/clsact hang
/// off TC_H_INGRESS and are never roots). Skipped: "noqueue" roots (the interface has no queue)
/// and qdiscs whose ifindex has no link row (the interface vanished between the two dumps).
/// max_length is in packets: the pfifo (or pfifo_head_drop) limit, or IFLA_TXQLEN for pfifo_fast (which sizes its
/// bands from it, net/sched/sch_generic.c); empty for every other discipline, whose limits are
/// in bytes (bfifo, tbf) or per flow/class (fq, fq_codel, mq, htb) rather than one packet count.
/// An "mq" or "mqprio" root reports the kernel's sum over its per-TX-queue children; those
/// children (parent <root major>:<queue + 1>) become SendQueue::queues when query.per_queue, sorted by queue index,
/// with the child's drops, length, backlog and requeues. Output in qdisc order.
std::vector<SendQueue> send_queues_from(const std::vector<QdiscRow>& qdiscs, std::span<const LinkName> links,
                                       const SendQueueQuery& query);
/// The same, from whole link rows.
std::vector<SendQueue> send_queues_from(const std::vector<QdiscRow>& qdiscs, const std::vector<LinkRow>& links,
                                       const SendQueueQuery& query);

}  // namespace ifmib::platform::netlink
