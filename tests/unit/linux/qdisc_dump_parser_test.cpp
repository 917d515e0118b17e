// Tests for platform/linux/qdisc_dump_parser: captured RTM_NEWQDISC bytes (see
// tests/unit/fixtures/linux/README.md, "netlink dump fixtures"), hand-built edge cases, and
// send_queues_from().

#include "platform/linux/qdisc_dump_parser.h"

#include <doctest/doctest.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include "tests/support/fixtures.h"
#include "tests/unit/linux/netlink_test_builder.h"

namespace netlink = ifmib::platform::netlink;
using ifmib::platform::SendQueue;
using ifmib::platform::SendQueueQuery;
using ifmib::test::concat;
using ifmib::test::NetlinkMessage;

namespace {

tcmsg tc_header(int ifindex, std::uint32_t handle, std::uint32_t parent) {
  tcmsg t{};
  t.tcm_family = AF_UNSPEC;
  t.tcm_ifindex = ifindex;
  t.tcm_handle = handle;
  t.tcm_parent = parent;
  return t;
}

gnet_stats_queue queue_stats(std::uint32_t qlen, std::uint32_t backlog, std::uint32_t drops, std::uint32_t requeues,
                             std::uint32_t overlimits) {
  gnet_stats_queue q{};
  q.qlen = qlen;
  q.backlog = backlog;
  q.drops = drops;
  q.requeues = requeues;
  q.overlimits = overlimits;
  return q;
}

// A qdisc message as the kernel lays it out: kind, options, legacy stats, then TCA_STATS2.
NetlinkMessage qdisc(int ifindex, std::uint32_t handle, std::uint32_t parent, const std::string& kind,
                     const gnet_stats_queue& q) {
  NetlinkMessage m(RTM_NEWQDISC);
  m.family_header(tc_header(ifindex, handle, parent)).attr_string(TCA_KIND, kind);
  gnet_stats_basic basic{};
  basic.bytes = 1000;
  basic.packets = 10;
  m.begin_nest(TCA_STATS2).attr_value(TCA_STATS_BASIC, basic).attr_value(TCA_STATS_QUEUE, q).end_nest();
  return m;
}

netlink::LinkRow link(std::uint32_t index, const std::string& name, std::optional<std::uint32_t> txqlen = 1000) {
  netlink::LinkRow row;
  row.interface.index = index;
  row.interface.name = name;
  row.interface.tx_queue_length = txqlen;
  return row;
}

netlink::QdiscRow qdisc_row(std::uint32_t ifindex, std::uint32_t parent, const std::string& kind) {
  netlink::QdiscRow row;
  row.ifindex = ifindex;
  row.parent = parent;
  row.kind = kind;
  return row;
}

}  // namespace

TEST_CASE("qdisc dump: captured veth namespace (fixture netlink_qdisc_dump.bin)") {
  const auto rows = netlink::parse_qdisc_dump(ifmib::test::read_fixture_bytes("linux/netlink_qdisc_dump.bin"));
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  // Expected values: `tc -j -s qdisc show` at capture time (netlink_capture_tc_qdisc.json).
  REQUIRE(rows->size() == 6);

  const auto& lo = rows->at(0);
  CHECK(lo.ifindex == 1);
  CHECK(lo.kind == "noqueue");
  CHECK(lo.handle == 0);
  CHECK(lo.parent == TC_H_ROOT);

  const auto& tbf = rows->at(1);
  CHECK(tbf.ifindex == 2);
  CHECK(tbf.kind == "tbf");
  CHECK(tbf.handle == 0x80040000u);
  CHECK(tbf.parent == TC_H_ROOT);
  CHECK(tbf.sent_bytes == 11110);
  CHECK(tbf.sent_packets == 19);
  CHECK(tbf.drops == 393);
  CHECK(tbf.overlimits == 399);
  CHECK(tbf.requeues == 0u);
  CHECK(tbf.backlog_bytes == 0);
  CHECK(tbf.qlen == 0);
  CHECK_FALSE(tbf.packet_limit.has_value());  // tbf's limit (3000) is in bytes

  const auto& ingress = rows->at(2);
  CHECK(ingress.ifindex == 2);
  CHECK(ingress.kind == "ingress");
  CHECK(ingress.handle == 0xffff0000u);
  CHECK(ingress.parent == 0xfffffff1u);

  const auto& pfifo = rows->at(3);
  CHECK(pfifo.ifindex == 3);
  CHECK(pfifo.kind == "pfifo");
  CHECK(pfifo.handle == 0x80050000u);
  CHECK(pfifo.sent_bytes == 4858);
  CHECK(pfifo.sent_packets == 13);
  CHECK(pfifo.drops == 0);
  CHECK(pfifo.packet_limit == 37u);

  const auto& clsact = rows->at(4);
  CHECK(clsact.ifindex == 3);
  CHECK(clsact.kind == "clsact");
  CHECK(clsact.parent == 0xfffffff1u);

  const auto& fast = rows->at(5);
  CHECK(fast.ifindex == 5);
  CHECK(fast.kind == "pfifo_fast");
  CHECK(fast.handle == 0x80060000u);
  CHECK(fast.sent_packets == 0);
  CHECK_FALSE(fast.packet_limit.has_value());
}

TEST_CASE("send queues from the captured qdisc and link dumps") {
  const auto qdiscs = netlink::parse_qdisc_dump(ifmib::test::read_fixture_bytes("linux/netlink_qdisc_dump.bin"));
  const auto links = netlink::parse_link_dump(ifmib::test::read_fixture_bytes("linux/netlink_link_dump.bin"));
  REQUIRE(qdiscs);
  REQUIRE(links);
  const auto queues = netlink::send_queues_from(*qdiscs, *links, {});
  // lo (noqueue) and the ingress/clsact qdiscs are not send queues; vé-x is down with the
  // builtin noop qdisc, which the kernel leaves out of the dump.
  REQUIRE(queues.size() == 3);

  SendQueue va;
  va.device = "va";
  va.index = 2;
  va.discipline = "tbf";
  va.length = 0;
  va.drops = 393;
  va.backlog_bytes = 0;
  va.requeues = 0;
  va.overlimits = 399;
  CHECK(queues[0] == va);

  CHECK(queues[1].device == "v\"q\\x");
  CHECK(queues[1].discipline == "pfifo");
  CHECK(queues[1].max_length == 37u);

  CHECK(queues[2].device == "v\xc3\xa9");
  CHECK(queues[2].index == 5);
  CHECK(queues[2].discipline == "pfifo_fast");
  CHECK(queues[2].max_length == 321u);  // ip link set vé txqueuelen 321
}

TEST_CASE("send queues: vanished interfaces and non-root qdiscs are skipped") {
  std::vector<netlink::QdiscRow> qdiscs{qdisc_row(7, TC_H_ROOT, "fq_codel"), qdisc_row(8, TC_H_ROOT, "fq_codel"),
                                        qdisc_row(9, TC_H_ROOT, "mq"), qdisc_row(9, 0x10001, "fq_codel")};
  qdiscs[0].qlen = 3;
  qdiscs[0].drops = 5;
  qdiscs[2].handle = 0x10000;  // mq root; its stats are the kernel's sum over the children
  qdiscs[2].drops = 11;
  qdiscs[3].drops = 6;
  // Link 8 vanished between the qdisc and the link dump.
  const auto queues = netlink::send_queues_from(qdiscs, {link(7, "eth0"), link(9, "eth1", std::nullopt)}, {});
  REQUIRE(queues.size() == 2);
  CHECK(queues[0].device == "eth0");
  CHECK(queues[0].length == 3);
  CHECK(queues[0].drops == 5);
  CHECK_FALSE(queues[0].max_length.has_value());  // fq_codel's limit is not one packet queue
  CHECK(queues[1].device == "eth1");
  CHECK(queues[1].discipline == "mq");
  CHECK(queues[1].drops == 11);
}

TEST_CASE("send queues: the children of an mq or mqprio root become its transmit queues") {
  // tc qdisc add dev eth1 root handle 1: mq   -> children at 1:1 .. 1:4 (sch_mq.c mq_attach)
  // tc qdisc add dev eth2 root handle 2: mqprio ... -> children at 2:1, 2:2; its traffic-class
  //   classes (2:ffe0 ...) hold no qdisc; eth3 has a tbf root whose child is not a TX queue.
  std::vector<netlink::QdiscRow> qdiscs{
      qdisc_row(9, TC_H_ROOT, "mq"),        qdisc_row(9, 0x10004, "pfifo"),  qdisc_row(9, 0x10001, "tbf"),
      qdisc_row(9, 0x10003, "pfifo"),       qdisc_row(9, 0x10002, "pfifo"),  qdisc_row(10, TC_H_ROOT, "mqprio"),
      qdisc_row(10, 0x20002, "fq_codel"),   qdisc_row(10, 0x20001, "fq_codel"), qdisc_row(11, TC_H_ROOT, "tbf"),
      qdisc_row(11, 0x30001, "pfifo"),      qdisc_row(9, 0xFFFFFFF1, "clsact"), qdisc_row(12, 0x10001, "pfifo")};
  qdiscs[0].handle = 0x10000;
  qdiscs[0].drops = 40;
  qdiscs[2].drops = 40;  // queue 0 overflowed
  qdiscs[2].qlen = 3;
  qdiscs[2].backlog_bytes = 4500;
  qdiscs[2].requeues = 2;
  qdiscs[3].drops = 0;
  qdiscs[5].handle = 0x20000;
  qdiscs[6].drops = 4;
  qdiscs[8].handle = 0x30000;
  qdiscs[9].drops = 1;
  const std::vector<netlink::LinkRow> links{link(9, "eth1", std::nullopt), link(10, "eth2", std::nullopt),
                                            link(11, "eth3", std::nullopt)};
  // Without per-queue detail the roots are the same and carry no children.
  const auto plain = netlink::send_queues_from(qdiscs, links, {});
  REQUIRE(plain.size() == 3);
  CHECK(plain[0].drops == 40);
  CHECK(plain[0].queues.empty());
  const auto queues = netlink::send_queues_from(qdiscs, links, SendQueueQuery{true});
  REQUIRE(queues.size() == 3);
  REQUIRE(queues[0].queues.size() == 4);
  CHECK(queues[0].queues[0] == ifmib::platform::TransmitQueue{"0", "tbf", 40, 3, 4500, 2, std::nullopt, std::nullopt});
  CHECK(queues[0].queues[1].queue == "1");
  CHECK(queues[0].queues[3].queue == "3");
  CHECK(queues[0].queues[3].discipline == "pfifo");
  REQUIRE(queues[1].queues.size() == 2);
  CHECK(queues[1].queues[1].queue == "1");
  CHECK(queues[1].queues[1].drops == 4);
  CHECK(queues[2].discipline == "tbf");
  CHECK(queues[2].queues.empty());  // a tbf child is a class, not a TX queue
}

TEST_CASE("send queues: links in any order name their queues, of two links with one ifindex the first does") {
  // A name cache or a test may list links out of ifindex order; an index listed twice (a rename
  // seen twice) names the queue as the first listing does, as before.
  std::vector<netlink::QdiscRow> qdiscs;
  std::vector<netlink::LinkName> links;
  for (std::uint32_t i = 1; i <= 300; ++i) {
    qdiscs.push_back(qdisc_row(i, TC_H_ROOT, "pfifo"));
    qdiscs.back().drops = i;
  }
  for (std::uint32_t k = 0; k < 300; ++k) {
    const std::uint32_t index = 1 + (k * 7919) % 300;  // every index once, scattered
    links.push_back({index, "if" + std::to_string(index), std::nullopt});
  }
  links.push_back({42, "late-42", std::nullopt});
  links.insert(links.begin(), {17, "early-17", std::nullopt});
  const auto queues = netlink::send_queues_from(qdiscs, links, {});
  REQUIRE(queues.size() == 300);
  for (std::uint32_t i = 1; i <= 300; ++i) {
    const auto& q = queues[i - 1];
    CAPTURE(i);
    CHECK(q.index == i);
    CHECK(q.drops == i);
    CHECK(q.device == (i == 17 ? std::string("early-17") : "if" + std::to_string(i)));
  }
  // A qdisc whose ifindex no link has is skipped, below and above every link's.
  qdiscs.push_back(qdisc_row(0, TC_H_ROOT, "pfifo"));
  qdiscs.push_back(qdisc_row(301, TC_H_ROOT, "pfifo"));
  CHECK(netlink::send_queues_from(qdiscs, links, {}).size() == 300);
}

TEST_CASE("send queues: pfifo_fast without a known txqlen has no max_length") {
  const std::vector<netlink::QdiscRow> qdiscs{qdisc_row(2, TC_H_ROOT, "pfifo_fast")};
  const auto queues = netlink::send_queues_from(qdiscs, {link(2, "a", std::nullopt)}, {});
  REQUIRE(queues.size() == 1);
  CHECK_FALSE(queues[0].max_length.has_value());
}

TEST_CASE("qdisc dump: hand-built messages") {
  SUBCASE("empty dump") {
    const auto rows = netlink::parse_qdisc_dump(std::span<const std::uint8_t>());
    REQUIRE(rows);
    CHECK(rows->empty());
  }
  SUBCASE("TCA_STATS2 queue stats, unknown attributes ignored, pfifo limit") {
    tc_fifo_qopt opt{};
    opt.limit = 77;
    auto m = qdisc(4, 0x10000, TC_H_ROOT, "pfifo", queue_stats(1, 1500, 2, 3, 4));
    m.attr_value(TCA_OPTIONS, opt).attr_value<std::uint32_t>(TCA_MAX + 5, 0);
    const auto rows = netlink::parse_qdisc_dump(m.bytes());
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    const auto& r = rows->at(0);
    CHECK(r.ifindex == 4);
    CHECK(r.handle == 0x10000u);
    CHECK(r.qlen == 1);
    CHECK(r.backlog_bytes == 1500);
    CHECK(r.drops == 2);
    CHECK(r.requeues == 3u);
    CHECK(r.overlimits == 4);
    CHECK(r.sent_bytes == 1000);
    CHECK(r.sent_packets == 10);
    CHECK(r.packet_limit == 77u);
  }
  SUBCASE("TCA_STATS_PKT64 overrides the 32-bit packet count") {
    auto m = NetlinkMessage(RTM_NEWQDISC);
    m.family_header(tc_header(4, 0, TC_H_ROOT)).attr_string(TCA_KIND, "fq");
    gnet_stats_basic basic{};
    basic.packets = 5;
    m.begin_nest(TCA_STATS2)
        .attr_value(TCA_STATS_BASIC, basic)
        .attr_value(TCA_STATS_QUEUE, queue_stats(0, 0, 0, 0, 0))
        .attr_value<std::uint64_t>(TCA_STATS_PKT64, 0x100000005ull)
        .end_nest();
    const auto rows = netlink::parse_qdisc_dump(m.bytes());
    REQUIRE(rows);
    CHECK(rows->at(0).sent_packets == 0x100000005ull);
  }
  SUBCASE("legacy TCA_STATS only: requeues unknown") {
    tc_stats legacy{};
    legacy.bytes = 900;
    legacy.packets = 9;
    legacy.drops = 8;
    legacy.overlimits = 7;
    legacy.qlen = 6;
    legacy.backlog = 5;
    auto m = NetlinkMessage(RTM_NEWQDISC);
    m.family_header(tc_header(4, 0, TC_H_ROOT)).attr_string(TCA_KIND, "sfq").attr_value(TCA_STATS, legacy);
    const auto rows = netlink::parse_qdisc_dump(m.bytes());
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    const auto& r = rows->at(0);
    CHECK(r.sent_bytes == 900);
    CHECK(r.sent_packets == 9);
    CHECK(r.drops == 8);
    CHECK(r.overlimits == 7);
    CHECK(r.qlen == 6);
    CHECK(r.backlog_bytes == 5);
    CHECK_FALSE(r.requeues.has_value());
  }
  SUBCASE("no statistics at all is an error") {
    auto m = NetlinkMessage(RTM_NEWQDISC);
    m.family_header(tc_header(4, 0, TC_H_ROOT)).attr_string(TCA_KIND, "sfq");
    CHECK_FALSE(netlink::parse_qdisc_dump(m.bytes()));
  }
  SUBCASE("short TCA_STATS_QUEUE is an error") {
    auto m = NetlinkMessage(RTM_NEWQDISC);
    m.family_header(tc_header(4, 0, TC_H_ROOT)).attr_string(TCA_KIND, "sfq");
    const std::uint32_t three[3] = {1, 2, 3};
    m.begin_nest(TCA_STATS2).attr(TCA_STATS_QUEUE, three, sizeof three).end_nest();
    CHECK_FALSE(netlink::parse_qdisc_dump(m.bytes()));
  }
  SUBCASE("pfifo with a short TCA_OPTIONS is an error") {
    auto m = qdisc(4, 0, TC_H_ROOT, "pfifo", queue_stats(0, 0, 0, 0, 0));
    const std::uint16_t two = 1;
    m.attr_value(TCA_OPTIONS, two);
    CHECK_FALSE(netlink::parse_qdisc_dump(m.bytes()));
  }
  SUBCASE("truncated dump is an error") {
    auto bytes = concat({qdisc(1, 0, TC_H_ROOT, "noqueue", queue_stats(0, 0, 0, 0, 0)).bytes(),
                         qdisc(2, 0, TC_H_ROOT, "fq", queue_stats(0, 0, 0, 0, 0)).bytes()});
    bytes.resize(bytes.size() - 1);
    CHECK_FALSE(netlink::parse_qdisc_dump(bytes));
  }
  SUBCASE("NLMSG_ERROR inside the bytes") {
    const auto rows = netlink::parse_qdisc_dump(concat(
        {qdisc(1, 0, TC_H_ROOT, "noqueue", queue_stats(0, 0, 0, 0, 0)).bytes(), ifmib::test::error_message(EINVAL)}));
    REQUIRE_FALSE(rows);
    CHECK(rows.error().sys_errno == EINVAL);
  }
  SUBCASE("no TCA_KIND is an error") {
    CHECK_FALSE(netlink::parse_qdisc_dump(NetlinkMessage(RTM_NEWQDISC).family_header(tc_header(1, 0, TC_H_ROOT)).bytes()));
  }
  SUBCASE("a link message in a qdisc dump is an error") {
    ifinfomsg ifi{};
    CHECK_FALSE(netlink::parse_qdisc_dump(NetlinkMessage(RTM_NEWLINK).family_header(ifi).bytes()));
  }
}
