// Per transmit queue detail on a real multiqueue interface: a 4-queue veth with an mq root and
// one child qdisc per TX queue, XPS steering every packet to TX queue 2, whose tbf child
// overflows. The exporter's per-queue numbers are compared with `tc -j -s qdisc show`.

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/exposition.h"
#include "tests/support/linux/netns.h"

using namespace ifmib;
using nlohmann::json;
using test::ExporterInNetns;
using test::Netns;

namespace {

constexpr int kPort = 10027;

// The hex cpumask of every configured CPU, in the kernel's comma-separated 32-bit groups.
std::string all_cpus_mask() {
  const long n = ::sysconf(_SC_NPROCESSORS_CONF);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string mask;
  for (long base = 0; base < n; base += 32) {
    const long bits = std::min<long>(32, n - base);
    const std::uint32_t word = bits == 32 ? 0xffffffffU : ((1U << bits) - 1);
    std::string group(8, '0');
    for (int i = 0; i < 8; ++i) group[static_cast<std::size_t>(7 - i)] = kHex[(word >> (4 * i)) & 0xf];
    mask = group + (mask.empty() ? "" : "," + mask);
  }
  return mask;
}

// tc's qdiscs of `device`: the root and the children of handle 1: by TX queue index.
struct TcView {
  json root;
  std::map<std::string, json> children;  // "0".."3"
};

TcView tc_view(const Netns& ns, const std::string& device) {
  TcView v;
  for (const auto& q : json::parse(ns.sh("tc -j -s qdisc show dev " + device))) {
    if (q.value("root", false)) {
      v.root = q;
      continue;
    }
    const std::string parent = q.value("parent", "");
    if (parent.rfind("1:", 0) == 0) {
      v.children[std::to_string(std::stoi(parent.substr(2), nullptr, 16) - 1)] = q;
    }
  }
  return v;
}

}  // namespace

TEST_CASE("transmit queues: the mq children of a 4-queue veth equal tc, and the root is their sum") {
  Netns ns;
  ns.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
  ns.sh("ip link add name a numtxqueues 4 type veth peer name b && ip addr add 10.9.0.1/24 dev a && "
        "ip link set dev a up && ip link set dev b up && "
        "ip neigh add 10.9.0.2 lladdr $(cat /sys/class/net/b/address) dev a nud permanent");
  ns.sh("tc qdisc add dev a root handle 1: mq");
  ns.sh("tc qdisc add dev a parent 1:1 handle 11: pfifo limit 5");
  ns.sh("tc qdisc add dev a parent 1:2 handle 12: pfifo limit 5");
  // 8 bit/s: after the first burst TX queue 2 holds its 3000-byte limit and drops the rest.
  ns.sh("tc qdisc add dev a parent 1:3 handle 13: tbf rate 8bit burst 1600 limit 3000");
  ns.sh("tc qdisc add dev a parent 1:4 handle 14: pfifo limit 5");
  // XPS: every CPU transmits on TX queue 2 only (netdev_pick_tx -> get_xps_queue).
  ns.sh("for q in 0 1 3; do echo 0 > /sys/class/net/a/queues/tx-$q/xps_cpus; done && echo " + all_cpus_mask() +
        " > /sys/class/net/a/queues/tx-2/xps_cpus");

  ExporterInNetns detail(ns, kPort, {"--collector.send_queue.per-queue"});
  ExporterInNetns plain(ns, kPort + 1);
  test::send_udp(ns, 300, 1000);

  const TcView tc = tc_view(ns, "a");
  const auto out = detail.scrape();
  const auto def = plain.scrape();
  REQUIRE(tc.root["kind"] == "mq");
  REQUIRE(tc.children.size() == 4);
  REQUIRE(tc.children.at("2")["drops"].get<double>() > 0);  // the overflow happened on queue 2
  const TcView after = tc_view(ns, "a");
  REQUIRE(after.root == tc.root);  // nothing moved while we scraped
  REQUIRE(after.children == tc.children);

  double sum = 0;
  for (const auto& [queue, q] : tc.children) {
    INFO("queue " << queue);
    const test::LabelSet l{{"device", "a"}, {"queue", queue}};
    CHECK(out.value("ifmib_transmit_queue_drops_total", l) == q["drops"].get<double>());
    CHECK(out.value("ifmib_transmit_queue_length", l) == q["qlen"].get<double>());
    CHECK(out.value("ifmib_transmit_queue_backlog_bytes", l) == q["backlog"].get<double>());
    CHECK(out.value("ifmib_transmit_queue_requeues_total", l) == q["requeues"].get<double>());
    CHECK(out.value("ifmib_transmit_queue_info", {{"device", "a"}, {"queue", queue}, {"qdisc", q["kind"].get<std::string>()}}) == 1);
    if (queue != "2") CHECK(q["drops"].get<double>() == 0);
    sum += q["drops"].get<double>();
  }
  CHECK_FALSE(out.has("ifmib_transmit_queue_drops_total", {{"device", "a"}, {"queue", "4"}}));
  // The total is still the root's, and the root is the sum of its children.
  const test::LabelSet a{{"device", "a"}};
  CHECK(out.value("ifmib_send_queue_drops_total", a) == tc.root["drops"].get<double>());
  CHECK(sum == tc.root["drops"].get<double>());
  CHECK(out.value("ifmib_send_queue_length", a) == tc.root["qlen"].get<double>());
  CHECK(out.value("ifmib_send_queue_info", {{"device", "a"}, {"qdisc", "mq"}}) == 1);
  // veth b has no queue; it has no transmit-queue series either.
  CHECK_FALSE(out.has("ifmib_transmit_queue_drops_total", {{"device", "b"}, {"queue", "0"}}));

  // Without the flag: the same totals and no per-queue series.
  CHECK(def.value("ifmib_send_queue_drops_total", a) == tc.root["drops"].get<double>());
  CHECK_FALSE(def.has("ifmib_transmit_queue_drops_total"));
  CHECK_FALSE(def.has("ifmib_transmit_queue_info"));
}
