// --collector.netns against the real kernel: namespaces created by the test, every series of each
// compared with what `ip -n`, `tc -n` and procfs inside it report.

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/exposition.h"
#include "tests/support/linux/ip_counters.h"
#include "tests/support/linux/netns.h"

using namespace ifmib;
using nlohmann::json;
using test::ExporterInNetns;
using test::Netns;

namespace {

constexpr int kPort = 10027;

// Only namespaces of this test process (and, where given, one unnamed one) are read, whatever
// else exists on the host.
std::string our_namespaces(const std::string& also = "") {
  return "--collector.netns.include=^(ifmibt-" + std::to_string(getpid()) + "-" + (also.empty() ? "" : "|" + also) +
         ")";
}

test::Exposition scrape(const ExporterInNetns& exporter) { return exporter.scrape(); }

// What the kernel says about one namespace, from ip, tc and procfs run inside it.
struct KernelView {
  json links, qdiscs;
  std::map<std::string, int> link_groups, inet_groups;  // by device
  bool operator==(const KernelView&) const = default;
};

std::map<std::string, int> count_by_field(const std::string& text, std::size_t field) {
  std::map<std::string, int> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> f;
    for (std::string w; words >> w;) f.push_back(w);
    if (f.size() > field) ++out[f[field]];
  }
  return out;
}

// /proc/net/igmp: "<idx>\t<device>: <count> <querier>" then one tab-indented line per group.
std::map<std::string, int> igmp_groups(const std::string& text) {
  std::map<std::string, int> out;
  std::string device;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.rfind("Idx", 0) == 0) continue;
    if (line[0] == '\t') {
      if (!device.empty()) ++out[device];
      continue;
    }
    std::istringstream words(line);
    std::string index;
    words >> index >> device;
    if (!device.empty() && device.back() == ':') device.pop_back();
  }
  return out;
}

KernelView kernel_view(const Netns& ns) {
  KernelView v;
  v.links = json::parse(test::run_shell("ip -n " + ns.name() + " -j -s link show"));
  v.qdiscs = json::parse(test::run_shell("tc -n " + ns.name() + " -j -s qdisc show"));
  v.link_groups = count_by_field(ns.sh("cat /proc/net/dev_mcast"), 1);
  v.inet_groups = igmp_groups(ns.sh("cat /proc/net/igmp"));
  return v;
}

// Every series the exporter gives for `label` agrees with `v`; returns the number of checks.
int compare(const test::Exposition& out, const std::string& label, const KernelView& v) {
  INFO("netns " << label);
  int checks = 0;
  std::set<std::string> ip_devices, exported;
  for (const auto& s : out.find("ifmib_admin_up", {{"netns", label}})) exported.insert(s.labels.at("device"));
  for (const auto& link : v.links) {
    const std::string device = link["ifname"];
    ip_devices.insert(device);
    const test::LabelSet d{{"netns", label}, {"device", device}};
    INFO("device " << device);
    test::check_counters_equal_ip(out, d, link["stats64"]);
    CHECK(out.value("ifmib_mtu_bytes", d) == link["mtu"].get<double>());
    CHECK(out.value("ifmib_info", {{"netns", label}, {"device", device},
                                   {"ifindex", std::to_string(link["ifindex"].get<int>())}}) == 1);
    const auto groups = v.link_groups.find(device);
    CHECK(out.value("ifmib_multicast_groups", {{"netns", label}, {"device", device}, {"family", "link"}})
              .value_or(0) == (groups == v.link_groups.end() ? 0 : groups->second));
    const auto inet = v.inet_groups.find(device);
    CHECK(out.value("ifmib_multicast_groups", {{"netns", label}, {"device", device}, {"family", "inet"}})
              .value_or(0) == (inet == v.inet_groups.end() ? 0 : inet->second));
    checks += 14;  // 10 counters, MTU, info, 2 group counts
  }
  CHECK(exported == ip_devices);
  for (const auto& q : v.qdiscs) {
    if (!q.value("root", false) || q["kind"] == "noqueue") continue;
    const test::LabelSet d{{"netns", label}, {"device", q["dev"].get<std::string>()}};
    INFO("qdisc on " << q["dev"]);
    CHECK(out.value("ifmib_send_queue_drops_total", d) == q["drops"].get<double>());
    CHECK(out.value("ifmib_send_queue_length", d) == q["qlen"].get<double>());
    CHECK(out.value("ifmib_send_queue_backlog_bytes", d) == q["backlog"].get<double>());
    CHECK(out.value("ifmib_send_queue_info", {{"netns", label}, {"device", q["dev"].get<std::string>()},
                                              {"qdisc", q["kind"].get<std::string>()}}) == 1);
    checks += 4;
  }
  for (const char* c : {"ifmib", "ether", "send_queue", "multicast"}) {
    CHECK(out.value("ifmib_scrape_collector_success", {{"netns", label}, {"collector", c}}) == 1);
  }
  return checks;
}

const char* kJoin =
    "import socket, sys, time\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(sys.argv[1]) + "
    "socket.inet_aton('10.9.0.1'))\n"
    "print('joined', flush=True)\n"
    "time.sleep(600)\n";

void wait_for_output(test::Child& child, const std::string& text) {
  for (int i = 0; i < 250 && child.stdout_text().find(text) == std::string::npos; ++i) {
    REQUIRE_MESSAGE(child.running(), child.stderr_text());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(child.stdout_text().find(text) != std::string::npos);
}

}  // namespace

TEST_CASE("netns: 20 namespaces - every series equals ip -n / tc -n / procfs, a deleted one disappears") {
  Netns home;  // the exporter's own namespace
  std::vector<std::unique_ptr<Netns>> spaces;
  std::vector<std::unique_ptr<test::Child>> joiners;
  for (int i = 0; i < 20; ++i) {
    spaces.push_back(std::make_unique<Netns>());
    const Netns& ns = *spaces.back();
    test::make_veth_pair(ns);
    if (i % 3 == 0) {  // a real overflow: 8 bit/s tbf holds its 3000-byte limit for minutes
      ns.sh("tc qdisc add dev a root tbf rate 8bit burst 1600 limit 3000");
      ns.sh("python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
            "[s.sendto(b'x'*1000, ('10.9.0.2', 9)) for _ in range(50)]\"");
    } else if (i % 3 == 1) {
      ns.sh("tc qdisc add dev b root pfifo limit " + std::to_string(10 + i));
    }
    if (i % 4 == 1) ns.sh("ip maddr add 01:00:5e:01:02:" + std::to_string(10 + i) + " dev a");
    if (i % 5 == 2) {
      joiners.push_back(std::make_unique<test::Child>(std::vector<std::string>{
          "ip", "netns", "exec", ns.name(), "python3", "-c", kJoin, "239.1.2." + std::to_string(i)}));
      wait_for_output(*joiners.back(), "joined");
    }
  }
  ExporterInNetns exporter(home, kPort, {"--collector.netns", our_namespaces()});

  // Compare each namespace with the kernel's view taken just before and just after one scrape;
  // namespaces whose numbers moved in between are compared again on the next attempt.
  std::set<std::string> left;
  for (const auto& ns : spaces) left.insert(ns->name());
  int checks = 0;
  for (int attempt = 0; attempt < 5 && !left.empty(); ++attempt) {
    std::map<std::string, KernelView> before;
    for (const auto& ns : spaces) {
      if (left.count(ns->name())) before[ns->name()] = kernel_view(*ns);
    }
    const auto out = scrape(exporter);
    for (const auto& ns : spaces) {
      if (!left.count(ns->name())) continue;
      const KernelView after = kernel_view(*ns);
      if (!(after == before[ns->name()])) continue;
      checks += compare(out, ns->name(), after);
      left.erase(ns->name());
    }
    CHECK(out.value("ifmib_netns_info", {{"netns", ""}}) == 1);
    CHECK(out.find("ifmib_netns_info").size() == 21);
    for (const char* reason : {"max", "deadline", "permission", "error"}) {
      CHECK(out.value("ifmib_netns_skipped", {{"reason", reason}}) == 0);
    }
  }
  REQUIRE_MESSAGE(left.empty(), left.size() << " namespaces kept moving while scraping");
  MESSAGE(checks << " values compared across 20 namespaces");
  // The conditions really exist: some queue overflowed, some group was joined.
  const auto out = scrape(exporter);
  CHECK(out.value("ifmib_send_queue_drops_total", {{"netns", spaces[0]->name()}, {"device", "a"}}).value() > 0);
  CHECK(out.value("ifmib_multicast_groups", {{"netns", spaces[2]->name()}, {"device", "a"}, {"family", "inet"}})
            .value() >= 2);

  // A namespace deleted between scrapes disappears, without an error or a skip.
  const std::string gone = spaces[5]->name();
  spaces[5].reset();
  const auto after = scrape(exporter);
  CHECK_FALSE(after.has("ifmib_netns_info", {{"netns", gone}}));
  CHECK_FALSE(after.has("ifmib_admin_up", {{"netns", gone}}));
  CHECK(after.find("ifmib_netns_info").size() == 20);
  for (const char* reason : {"max", "deadline", "permission", "error"}) {
    CHECK(after.value("ifmib_netns_skipped", {{"reason", reason}}) == 0);
  }
  CHECK(exporter.process().stderr_text().find("level=error") == std::string::npos);
}

TEST_CASE("netns: an unnamed namespace held only by a process is found, labelled by inode") {
  Netns home;
  test::Child holder({"unshare", "--net", "sleep", "600"});
  std::string inode;
  for (int i = 0; i < 250 && inode.empty(); ++i) {
    struct stat own {}, held {};
    if (::stat("/proc/self/ns/net", &own) == 0 &&
        ::stat(("/proc/" + std::to_string(holder.pid()) + "/ns/net").c_str(), &held) == 0 &&
        held.st_ino != own.st_ino &&
        test::run_shell("cat /proc/" + std::to_string(holder.pid()) + "/comm") == "sleep\n") {  // exec'ed
      inode = std::to_string(held.st_ino);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  REQUIRE_MESSAGE(!inode.empty(), "unshare did not enter a new namespace: " << holder.stderr_text());
  ExporterInNetns exporter(home, kPort, {"--collector.netns", our_namespaces("inode:" + inode + "$")});
  const auto out = scrape(exporter);
  const std::string label = "inode:" + inode;
  CHECK(out.value("ifmib_netns_info", {{"netns", label}, {"inode", inode}, {"process", "sleep"}}) == 1);
  CHECK(out.value("ifmib_admin_up", {{"netns", label}, {"device", "lo"}}) == 0);  // a fresh namespace: lo down
  CHECK(out.value("ifmib_scrape_collector_success", {{"netns", label}, {"collector", "ifmib"}}) == 1);
  holder.stop(SIGKILL);
  const auto after = scrape(exporter);
  CHECK_FALSE(after.has("ifmib_netns_info", {{"netns", label}}));
  CHECK(after.value("ifmib_netns_skipped", {{"reason", "error"}}) == 0);
}

TEST_CASE("netns: without privileges the exporter says so, serves its own namespace and exits 0") {
  Netns home, other;
  other.sh("ip link add name q1 type veth peer name q2");
  home.sh("ip link add name mine type veth peer name mine2");
  ExporterInNetns exporter(home, kPort, {"--collector.netns", our_namespaces()}, test::RunAs::nobody);
  const auto out = scrape(exporter);
  CHECK(out.value("ifmib_admin_up", {{"netns", ""}, {"device", "mine"}}) == 0);
  CHECK(out.value("ifmib_scrape_collector_success", {{"netns", ""}, {"collector", "ifmib"}}) == 1);
  CHECK_FALSE(out.has("ifmib_admin_up", {{"netns", other.name()}}));
  CHECK(out.value("ifmib_netns_skipped", {{"reason", "permission"}}).value() >= 1);  // other (home is own)
  CHECK(out.value("ifmib_netns_unreadable_processes").value() >= 1);
  const std::string log = exporter.process().stderr_text();
  CHECK_MESSAGE(log.find("cannot read other network namespaces") != std::string::npos, log);
  CHECK_MESSAGE(log.find("CAP_SYS_ADMIN") != std::string::npos, log);
  CHECK(exporter.process().stop(SIGTERM) == 0);
}
