// End to end: a real Prometheus server scrapes the exporter in a test namespace, and the
// send-queue drops it stores equal what tc reports after a real overflow.

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/linux/netns.h"

using namespace ifmib;
using nlohmann::json;

namespace {

json query(const test::Netns& ns, const std::string& promql) {
  std::string out;
  const int status = ns.sh_status(
      "curl -s -G --data-urlencode 'query=" + promql + "' http://127.0.0.1:19090/api/v1/query", &out);
  if (status != 0) return json();
  try {
    return json::parse(out);
  } catch (const std::exception&) {
    return json();
  }
}

}  // namespace

TEST_CASE("Prometheus scrapes the exporter: up == 1 and send-queue drops equal tc") {
  test::Netns ns;
  ns.sh("ip link add name a type veth peer name b && ip addr add 10.9.0.1/24 dev a && ip link set dev a up && "
        "ip link set dev b up && ip neigh add 10.9.0.2 lladdr $(cat /sys/class/net/b/address) dev a nud permanent && "
        "tc qdisc add dev a root tbf rate 8bit burst 1600 limit 3000");
  test::ExporterInNetns exporter(ns, 10027, {"--collector.multicast.groups"});
  ns.sh("python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
        "[s.sendto(b'x'*1000, ('10.9.0.2', 9)) for _ in range(200)]\"");
  const json tc_before = json::parse(ns.sh("tc -j -s qdisc show dev a"))[0];
  REQUIRE(tc_before["drops"].get<double>() > 0);

  const std::string dir = "/tmp/ifmib-prom-" + ns.name();
  std::filesystem::create_directories(dir + "/data");
  std::ofstream(dir + "/prometheus.yml") << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                            "scrape_configs:\n  - job_name: ifmib_exporter\n"
                                            "    static_configs:\n      - targets: ['127.0.0.1:10027']\n";
  test::Child prometheus({"ip", "netns", "exec", ns.name(), "prometheus", "--config.file=" + dir + "/prometheus.yml",
                          "--storage.tsdb.path=" + dir + "/data", "--web.listen-address=127.0.0.1:19090"});

  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    REQUIRE_MESSAGE(prometheus.running(), prometheus.stderr_text());
    const json r = query(ns, "up{job=\"ifmib_exporter\"}");
    up = r.is_object() && r["status"] == "success" && !r["data"]["result"].empty() &&
         r["data"]["result"][0]["value"][1] == "1";
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE_MESSAGE(up, "Prometheus never saw up == 1: " << prometheus.stderr_text());

  const json tc = json::parse(ns.sh("tc -j -s qdisc show dev a"))[0];
  const json r = query(ns, "ifmib_send_queue_drops_total{device=\"a\"}");
  REQUIRE(r["data"]["result"].size() == 1);
  CHECK(std::stod(r["data"]["result"][0]["value"][1].get<std::string>()) == tc["drops"].get<double>());
  const json failing = query(ns, "ifmib_scrape_collector_success == 0");
  CHECK(failing["data"]["result"].empty());

  CHECK(prometheus.stop(SIGTERM, 20) == 0);
  std::filesystem::remove_all(dir);
}
