// The FreeBSD send queue per transmit path, on a fake sysctl host whose txq nodes are typed
// from FreeBSD's sources, not from our decoder:
//   sys/net/iflib.c, iflib_add_device_sysctl_post(): dev.<driver>.<unit>.iflib.txq%d (up to 10
//     queues), txq%02d (up to 100), txq%03d (more); per txq SYSCTL_ADD_COUNTER_U64 r_enqueues,
//     r_drops, r_starts, r_stalls, r_restarts, r_abdications; SYSCTL_ADD_QUAD no_desc_avail, ...
//   sys/kern/subr_counter.c, sysctl_handle_counter_u64(): 8 bytes, host order.
//   sys/dev/cxgbe/t4_sge.c, t4_setup_vi_queues()/alloc_txq(): dev.<vi>.<unit>.txq.%d with the same
//     r_* counters; t4_main.c cxgbe_get_counter(): IFCOUNTER_OQDROPS = tx_drop + sum of r->drops.
//   sys/dev/virtio/network/if_vtnet.c, vtnet_setup_txq_sysctl(): dev.vtnet.<unit>.txq%d with
//     opackets, obytes, omcasts, csum, tso, rescheduled (no drop counter).
//   ifmibdata rows: offsets from shared/reference/freebsd-abi.md section 2 (as the .hex fixtures).

#include <doctest/doctest.h>

#include <cerrno>
#include <memory>
#include <string>

#include "collector/send_queue_collector.h"
#include "platform/freebsd/freebsd_reader.h"
#include "platform/freebsd/txq_decode.h"
#include "tests/support/exposition.h"
#include "tests/unit/freebsd_fixture.h"

using namespace ifmib;
using namespace ifmib::platform;
using ifmib::test::freebsd::Bytes;
using ifmib::test::freebsd::c_string;
using ifmib::test::freebsd::FakeSysctl;
using ifmib::test::freebsd::parse_annotated_hex;

namespace {

std::vector<int> ifcount_mib() { return {4, 18, 0, 1, 1}; }
std::vector<int> ifdata_mib(int row, int col) { return {4, 18, 0, 2, row, col}; }
constexpr int kGeneral = 1, kDriverName = 3;

Bytes le(std::uint64_t v, std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return b;
}

/// An ifmibdata row with the fields this test cares about; the rest as a plain up Ethernet port.
Bytes ifmibdata(const std::string& name, int snd_len, int snd_maxlen, std::uint64_t oqdrops) {
  const std::string text = "size 208\n"
                           "@0   str16 \"" + name + "\"\n"
                           "@20  i32 0x8843\n"
                           "@24  i32 " + std::to_string(snd_len) + "\n"
                           "@28  i32 " + std::to_string(snd_maxlen) + "\n"
                           "@32  i32 " + std::to_string(static_cast<std::int32_t>(oqdrops)) + "\n"
                           "@56  u8  6\n"      // ifi_type IFT_ETHER
                           "@60  u8  2\n"      // ifi_link_state up
                           "@62  u16 152\n"    // ifi_datalen
                           "@64  u32 1500\n"   // ifi_mtu
                           "@160 u64 " + std::to_string(oqdrops) + "\n";  // ifi_oqdrops
  return parse_annotated_hex(text, "row " + name);
}

/// A fake FreeBSD host; sysctl names get made-up MIBs, as OID_AUTO numbers would be.
class Host {
 public:
  Host() : fake_(std::make_shared<FakeSysctl>()) {}
  void row(int index, const std::string& name, const std::string& driver, int snd_len, int snd_maxlen,
           std::uint64_t oqdrops) {
    fake_->set(ifdata_mib(index, kGeneral), ifmibdata(name, snd_len, snd_maxlen, oqdrops));
    fake_->set(ifdata_mib(index, kDriverName), c_string(driver));
    rows_ = std::max(rows_, index);
    fake_->set(ifcount_mib(), le(static_cast<std::uint64_t>(rows_), 4));
  }
  /// A node (CTLTYPE_NODE): resolvable; reading it is not what the reader does.
  void node(const std::string& name) { fake_->name(name, {0x7000, next_++}); }
  /// A leaf with `bytes` as its value.
  void leaf(const std::string& name, Bytes bytes) {
    const std::vector<int> mib{0x7000, next_++};
    fake_->name(name, mib);
    fake_->set(mib, std::move(bytes));
  }
  /// The mp_ring counters of one txq node (SYSCTL_ADD_COUNTER_U64: 8 bytes each), plus
  /// SYSCTL_ADD_QUAD no_desc_avail and the ring_state string, which the reader does not need.
  void ring_txq(const std::string& base, std::uint64_t drops, std::uint64_t enqueues, std::uint64_t stalls) {
    node(base);
    leaf(base + ".r_enqueues", le(enqueues, 8));
    leaf(base + ".r_drops", le(drops, 8));
    leaf(base + ".r_starts", le(enqueues / 2, 8));
    leaf(base + ".r_stalls", le(stalls, 8));
    leaf(base + ".r_restarts", le(0, 8));
    leaf(base + ".r_abdications", le(0, 8));
    leaf(base + ".no_desc_avail", le(3, 8));
    leaf(base + ".ring_state", c_string("pidx_head: 0012 pidx_tail: 0012 cidx: 0010 state: BUSY"));
  }
  std::shared_ptr<FakeSysctl> fake() const { return fake_; }

 private:
  std::shared_ptr<FakeSysctl> fake_;
  int rows_ = 0;
  int next_ = 1;
};

const SendQueue* find(const std::vector<SendQueue>& qs, const std::string& device) {
  for (const auto& q : qs) {
    if (q.device == device) return &q;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("freebsd txq names and values as the sources print them") {
  CHECK(freebsd::split_driver_unit("ix0") == freebsd::DriverUnit{"ix", 0});
  CHECK(freebsd::split_driver_unit("cxl12") == freebsd::DriverUnit{"cxl", 12});
  CHECK(freebsd::split_driver_unit("mlx5en3") == freebsd::DriverUnit{"mlx5en", 3});
  CHECK_FALSE(freebsd::split_driver_unit("lo"));
  CHECK_FALSE(freebsd::split_driver_unit("12"));
  CHECK_FALSE(freebsd::split_driver_unit(""));
  CHECK_FALSE(freebsd::split_driver_unit("em01"));  // %d never prints a leading zero
  CHECK(freebsd::iflib_txq_name(3, 1) == "txq3");
  CHECK(freebsd::iflib_txq_name(3, 2) == "txq03");
  CHECK(freebsd::iflib_txq_name(11, 2) == "txq11");
  CHECK(freebsd::iflib_txq_name(7, 3) == "txq007");
  const auto counter = freebsd::decode_sysctl_u64(le(0x0102030405060708ULL, 8));
  REQUIRE(counter);
  CHECK(*counter == 0x0102030405060708ULL);
  CHECK_FALSE(freebsd::decode_sysctl_u64(le(5, 4)));
  CHECK(freebsd::transmit_path_without_iflib("vtnet") == freebsd::TransmitPath::drbr);
  CHECK(freebsd::transmit_path_without_iflib("cc") == freebsd::TransmitPath::cxgbe);
  CHECK(freebsd::transmit_path_without_iflib("vcxl") == freebsd::TransmitPath::cxgbe);
  CHECK(freebsd::transmit_path_without_iflib("vlan") == freebsd::TransmitPath::direct);
  CHECK(freebsd::transmit_path_without_iflib("re") == freebsd::TransmitPath::if_snd);
}

TEST_CASE("freebsd send queue per transmit path: if_snd, iflib, iflib under ALTQ, cxgbe, drbr, direct") {
  Host host;
  // 1 re0: legacy if_start (IFQ_HANDOFF counts OQDROPS); if_snd holds 2 of 255.
  host.row(1, "re0", "re0", 2, 255, 9);
  // 2 lan0 = em0 renamed, iflib with 2 txqs: names "txq0", "txq1".
  host.row(2, "lan0", "em0", 0, 1023, 5);
  host.node("dev.em.0.iflib");
  host.ring_txq("dev.em.0.iflib.txq0", 7, 1000, 2);
  host.ring_txq("dev.em.0.iflib.txq1", 11, 2000, 4);
  // 3 ix0: iflib with 12 txqs: "txq00" .. "txq11".
  host.row(3, "ix0", "ix0", 0, 4095, 0);
  host.node("dev.ix.0.iflib");
  for (int i = 0; i < 12; ++i) {
    host.ring_txq("dev.ix.0.iflib.txq" + std::string(i < 10 ? "0" : "") + std::to_string(i),
                  static_cast<std::uint64_t>(100 + i), 5000, 0);
  }
  // 4 em1: iflib under ALTQ. iflib_altq_if_transmit() queues in if_snd (4 packets there now),
  // iflib_altq_if_start() feeds txq 0 only; ALTQ's own drops are counted by the discipline
  // (pfctl -vsq), not in any sysctl, and OQDROPS stays 0.
  host.row(4, "em1", "em1", 4, 1023, 0);
  host.node("dev.em.1.iflib");
  host.ring_txq("dev.em.1.iflib.txq0", 3, 90, 1);
  // 5 cxl0: cxgbe; OQDROPS 30 = tx_drop 10 + r_drops 8 + 12 (cxgbe_get_counter).
  host.row(5, "cxl0", "cxl0", 0, 50, 30);
  host.node("dev.cxl.0.txq");
  host.ring_txq("dev.cxl.0.txq.0", 8, 400, 0);
  host.ring_txq("dev.cxl.0.txq.1", 12, 500, 1);
  // 6 vtnet0: drbr buf_ring per txq; its txq nodes carry no drop counter.
  host.row(6, "vtnet0", "vtnet0", 0, 50, 1);
  host.node("dev.vtnet.0.txq0");
  host.leaf("dev.vtnet.0.txq0.opackets", le(77, 8));
  // 7 lo0: looutput() hands the packet to the stack at once.
  host.row(7, "lo0", "lo0", 0, 50, 0);

  auto reader = freebsd::make_freebsd_reader(host.fake());
  const auto qs = reader->send_queues(SendQueueQuery{true});
  REQUIRE_MESSAGE(qs, qs.error().text());
  REQUIRE(qs->size() == 7);

  const SendQueue* re0 = find(*qs, "re0");
  REQUIRE(re0);
  CHECK(re0->length == std::optional<std::uint64_t>(2));
  CHECK(re0->max_length == std::optional<std::uint64_t>(255));
  CHECK(re0->drops == 9);
  CHECK(re0->queues.empty());

  const SendQueue* lan0 = find(*qs, "lan0");
  REQUIRE(lan0);
  CHECK(lan0->drops == 5 + 7 + 11);
  CHECK_FALSE(lan0->length.has_value());      // if_snd unused; the ring's size is not exported
  CHECK_FALSE(lan0->max_length.has_value());  // 1023 would be ifq_maxlen of a queue nobody uses
  REQUIRE(lan0->queues.size() == 2);
  CHECK(lan0->queues[0] == TransmitQueue{"0", "", 7, std::nullopt, std::nullopt, std::nullopt, 1000, 2});
  CHECK(lan0->queues[1] == TransmitQueue{"1", "", 11, std::nullopt, std::nullopt, std::nullopt, 2000, 4});

  const SendQueue* ix0 = find(*qs, "ix0");
  REQUIRE(ix0);
  REQUIRE(ix0->queues.size() == 12);
  CHECK(ix0->queues[11].queue == "11");
  CHECK(ix0->queues[11].drops == 111);
  CHECK(ix0->drops == 12 * 100 + 66);  // sum of 100 + i, i = 0..11

  const SendQueue* em1 = find(*qs, "em1");
  REQUIRE(em1);
  CHECK(em1->drops == 3);
  CHECK_FALSE(em1->length.has_value());
  REQUIRE(em1->queues.size() == 1);

  const SendQueue* cxl0 = find(*qs, "cxl0");
  REQUIRE(cxl0);
  CHECK(cxl0->drops == 30);  // not 50: OQDROPS already holds the rings' drops
  REQUIRE(cxl0->queues.size() == 2);
  CHECK(cxl0->queues[1].drops == 12);
  CHECK(cxl0->queues[1].stalls == std::optional<std::uint64_t>(1));
  CHECK_FALSE(cxl0->max_length.has_value());

  const SendQueue* vtnet0 = find(*qs, "vtnet0");
  REQUIRE(vtnet0);
  CHECK(vtnet0->drops == 1);
  CHECK(vtnet0->queues.empty());
  CHECK_FALSE(vtnet0->length.has_value());
  CHECK_FALSE(vtnet0->max_length.has_value());

  const SendQueue* lo0 = find(*qs, "lo0");
  REQUIRE(lo0);
  CHECK_FALSE(lo0->length.has_value());
  CHECK_FALSE(lo0->max_length.has_value());

  // The reader stopped at the first txq without r_drops, and never read rx rings.
  CHECK(host.fake()->resolves("dev.ix.0.iflib.txq12.r_drops") == 1);
  CHECK(host.fake()->resolves("dev.ix.0.iflib.txq13.r_drops") == 0);
  CHECK(host.fake()->resolves("dev.em.0.iflib.txq00") == 0);  // "txq0" was found first

  SUBCASE("without per-queue detail: the same totals, ring drops still read, nothing else") {
    const int enqueue_reads = host.fake()->resolves("dev.em.0.iflib.txq0.r_enqueues");
    const int cxgbe_reads = host.fake()->resolves("dev.cxl.0.txq.0.r_drops");
    const int ring_drop_reads = host.fake()->resolves("dev.em.0.iflib.txq1.r_drops");
    const auto plain = freebsd::make_freebsd_reader(host.fake())->send_queues({});
    REQUIRE(plain);
    REQUIRE(plain->size() == qs->size());
    for (std::size_t i = 0; i < qs->size(); ++i) {
      CHECK(plain->at(i).drops == qs->at(i).drops);
      CHECK(plain->at(i).length == qs->at(i).length);
      CHECK(plain->at(i).queues.empty());
    }
    CHECK(host.fake()->resolves("dev.em.0.iflib.txq1.r_drops") == ring_drop_reads + 1);  // part of the total
    CHECK(host.fake()->resolves("dev.em.0.iflib.txq0.r_enqueues") == enqueue_reads);     // detail only
    CHECK(host.fake()->resolves("dev.cxl.0.txq.0.r_drops") == cxgbe_reads);  // OQDROPS has them already
  }
  SUBCASE("per-queue series only with the flag; the total is unchanged") {
    ifmib::collector::Options options;
    options.send_queue_per_queue = true;
    auto families = ifmib::collector::SendQueueCollector(options).collect(*reader);
    REQUIRE(families);
    const auto out = ifmib::test::render(*families);
    CHECK(out.value("ifmib_send_queue_drops_total", {{"device", "lan0"}}) == 23);
    CHECK(out.value("ifmib_transmit_queue_drops_total", {{"device", "lan0"}, {"queue", "1"}}) == 11);
    CHECK(out.value("ifmib_transmit_queue_enqueues_total", {{"device", "ix0"}, {"queue", "11"}}) == 5000);
    CHECK(out.value("ifmib_transmit_queue_stalls_total", {{"device", "cxl0"}, {"queue", "1"}}) == 1);
    CHECK_FALSE(out.has("ifmib_transmit_queue_length"));  // no occupancy without the ring size
    CHECK_FALSE(out.has("ifmib_send_queue_length", {{"device", "lan0"}}));
    CHECK(out.value("ifmib_send_queue_length", {{"device", "re0"}}) == 2);

    const auto plain = ifmib::test::render(*ifmib::collector::SendQueueCollector({}).collect(*reader));
    CHECK_FALSE(plain.has("ifmib_transmit_queue_drops_total"));
    CHECK(plain.value("ifmib_send_queue_drops_total", {{"device", "lan0"}}) == 23);
  }
}

TEST_CASE("freebsd send queue: a txq counter of the wrong size fails the read, a vanished txq ends the list") {
  Host host;
  host.row(1, "ix0", "ix0", 0, 1023, 1);
  host.node("dev.ix.0.iflib");
  host.ring_txq("dev.ix.0.iflib.txq0", 2, 10, 0);
  host.node("dev.ix.0.iflib.txq1");  // node there, counters gone (driver detaching)
  auto reader = freebsd::make_freebsd_reader(host.fake());
  auto qs = reader->send_queues(SendQueueQuery{true});
  REQUIRE_MESSAGE(qs, qs.error().text());
  REQUIRE(qs->size() == 1);
  CHECK(qs->at(0).drops == 3);
  CHECK(qs->at(0).queues.size() == 1);

  host.leaf("dev.ix.0.iflib.txq1.r_drops", le(5, 4));  // 4 bytes: not a counter_u64
  qs = reader->send_queues(SendQueueQuery{true});
  REQUIRE_FALSE(qs);
  CHECK(qs.error().text().find("dev.ix.0.iflib.txq1.r_drops") != std::string::npos);
  CHECK(qs.error().text().find("expected 8") != std::string::npos);

  host.fake()->fail(ifdata_mib(1, kDriverName), EPERM);
  CHECK_FALSE(reader->send_queues({}));
}
