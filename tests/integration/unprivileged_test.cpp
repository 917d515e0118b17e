// The exporter needs no privileges on Linux: netlink dumps and the /proc/net files are readable
// by any user. Run as uid 65534 with no capabilities beside a root instance in the same
// namespace, it must serve the same series with the same values.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <thread>

#include "tests/integration/raw_http.h"
#include "tests/support/exposition.h"
#include "tests/support/linux/netns.h"

using namespace ifmib;
using test::ExporterInNetns;
using test::Netns;

namespace {

// Families that describe the exporter process or its own requests, not the host: they differ
// between any two processes and are left out of the comparison.
bool about_the_process(const std::string& name) {
  return name.rfind("process_", 0) == 0 || name == "ifmib_exporter_http_requests_total" ||
         name == "ifmib_scrape_collector_duration_seconds";
}

std::string series_key(const test::Sample& s) {
  std::string key = s.name + "{";
  for (const auto& [k, v] : s.labels) key += k + "=\"" + v + "\",";
  return key + "}";
}

std::map<std::string, double> host_series(const test::Exposition& e) {
  std::map<std::string, double> out;
  for (const auto& s : e.samples) {
    if (!about_the_process(s.name)) out[series_key(s)] = s.value;
  }
  return out;
}

const char* kSourceJoin =
    "import socket, time\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "for src in ('10.9.0.20', '10.9.0.21'):\n"
    "    # struct ip_mreq_source: multiaddr, interface, sourceaddr; IP_ADD_SOURCE_MEMBERSHIP = 39\n"
    "    s.setsockopt(socket.IPPROTO_IP, 39, socket.inet_aton('232.1.1.1') + socket.inet_aton('10.9.0.1') +\n"
    "                 socket.inet_aton(src))\n"
    "print('joined', flush=True)\n"
    "time.sleep(600)\n";

}  // namespace

TEST_CASE("unprivileged: uid 65534 without capabilities serves the same series and values as root") {
  Netns ns;
  test::make_veth_pair(ns);
  // A frozen tbf overflow (8 bit/s: nothing leaves the queue), a link-layer group, an
  // autojoined IPv4 group and a source-specific membership held by a process.
  ns.sh("tc qdisc add dev a root tbf rate 8bit burst 1600 limit 3000 && ip maddr add 01:00:5e:01:02:03 dev a && "
        "ip addr add 239.1.2.3/32 dev a autojoin");
  test::send_udp(ns, 300, 1000);
  test::Child joiner({"ip", "netns", "exec", ns.name(), "python3", "-c", kSourceJoin});
  for (int i = 0; i < 250 && joiner.stdout_text().find("joined") == std::string::npos; ++i) {
    REQUIRE_MESSAGE(joiner.running(), joiner.stderr_text());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(joiner.stdout_text().find("joined") != std::string::npos);

  const std::vector<std::string> flags = {"--collector.multicast.groups"};
  ExporterInNetns root(ns, 9481, flags);
  ExporterInNetns nobody(ns, 9482, flags, test::RunAs::nobody);
  CHECK(test::raw_http::status_field(nobody.process().pid(), "Uid") == "65534");
  CHECK(test::raw_http::status_field(nobody.process().pid(), "CapEff") == "0000000000000000");

  // root, nobody, root: a value nobody reports must lie between root's two readings (equal
  // when nothing moved, which is the case here for all but loopback noise).
  const auto before = host_series(root.scrape());
  const auto theirs = host_series(nobody.scrape());
  const auto after = host_series(root.scrape());
  CHECK(theirs.size() == before.size());
  int compared = 0;
  for (const auto& [key, value] : before) {
    const auto it = theirs.find(key);
    if (it == theirs.end()) {
      FAIL_CHECK("missing as nobody: " << key);
      continue;
    }
    const double later = after.count(key) ? after.at(key) : value;
    CHECK_MESSAGE((std::min(value, later) <= it->second && it->second <= std::max(value, later)),
                  key << " = " << it->second << " as nobody, " << value << " / " << later << " as root");
    ++compared;
  }
  for (const auto& [key, value] : theirs) CHECK_MESSAGE(before.count(key) == 1, "only as nobody: " << key);
  MESSAGE(compared << " series compared");

  // The numbers are the interesting ones, not empty: the overflow and the joins are there.
  const auto check = nobody.scrape();
  CHECK(check.value("ifmib_send_queue_drops_total", {{"device", "a"}}).value_or(0) > 0);
  CHECK(check.value("ifmib_multicast_sources", {{"device", "a"}, {"family", "inet"}}) == 2);
  CHECK(check.has("ifmib_multicast_group_users", {{"device", "a"}, {"family", "inet"}, {"group", "239.1.2.3"}}));
  CHECK(check.has("ifmib_multicast_group_users", {{"device", "a"}, {"family", "link"}, {"group", "01:00:5e:01:02:03"}}));
  for (const char* c : {"ifmib", "ether", "send_queue", "multicast"}) {
    CHECK(check.value("ifmib_scrape_collector_success", {{"collector", c}}) == 1);
  }
}
