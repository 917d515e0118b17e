// The exporter against the real kernel: conditions created in a fresh namespace, numbers
// compared with independent sources (ip -j -s link, tc -j -s qdisc, procfs).

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "platform/linux/linux_reader.h"
#include "tests/integration/raw_http.h"
#include "tests/support/exposition.h"
#include "tests/support/linux/ip_counters.h"
#include "tests/support/linux/netns.h"

using namespace ifmib;
using nlohmann::json;
using test::ExporterInNetns;
using test::Netns;

namespace {

constexpr int kPort = 10027;  // each namespace has its own loopback, so the default port is free

test::Exposition scrape(const ExporterInNetns& exporter, const std::string& path = "/metrics") {
  return exporter.scrape(path);
}

json link_stats(const Netns& ns, const std::string& device) {
  const json j = json::parse(ns.sh("ip -j -s link show dev '" + device + "'"));
  REQUIRE(j.size() == 1);
  return j[0]["stats64"];
}

json root_qdisc(const Netns& ns, const std::string& device) {
  for (const auto& q : json::parse(ns.sh("tc -j -s qdisc show dev " + device))) {
    if (q.value("root", false)) return q;
  }
  FAIL("no root qdisc on " << device);
  return {};
}

}  // namespace

TEST_CASE("counters: packets and bytes equal ip -s link after known UDP traffic") {
  Netns ns;
  test::make_veth_pair(ns);
  ExporterInNetns exporter(ns, kPort);
  const auto before = scrape(exporter);
  const double tx_before = before.value("ifmib_transmit_packets_total", {{"device", "a"}}).value_or(-1);
  test::send_udp(ns, 250, 100);

  // Compare with ip's numbers read on both sides of the scrape; retry if anything moved between.
  bool compared = false;
  for (int attempt = 0; attempt < 5 && !compared; ++attempt) {
    const json ip_before_a = link_stats(ns, "a"), ip_before_b = link_stats(ns, "b");
    const auto out = scrape(exporter);
    const json ip_after_a = link_stats(ns, "a"), ip_after_b = link_stats(ns, "b");
    if (ip_before_a != ip_after_a || ip_before_b != ip_after_b) continue;
    compared = true;
    for (const auto& [device, ip] : {std::pair{"a", ip_after_a}, std::pair{"b", ip_after_b}}) {
      INFO("device " << device);
      test::check_counters_equal_ip(out, {{"device", device}}, ip);
    }
    // The 250 datagrams of 100 bytes left a and arrived at b: 142-byte frames on the wire.
    CHECK(out.value("ifmib_transmit_packets_total", {{"device", "a"}}).value() >= tx_before + 250);
    CHECK(out.value("ifmib_receive_bytes_total", {{"device", "b"}}).value() >= 250 * 142);
  }
  REQUIRE_MESSAGE(compared, "counters kept moving while scraping");

  const json link = json::parse(ns.sh("ip -j -d link show dev a"))[0];
  const auto out = scrape(exporter);
  CHECK(out.value("ifmib_mtu_bytes", {{"device", "a"}}) == link["mtu"].get<double>());
  CHECK(out.value("ifmib_admin_up", {{"device", "a"}}) == 1);
  CHECK(out.value("ifmib_oper_up", {{"device", "a"}}) == 1);
  CHECK(out.value("ifmib_oper_status", {{"device", "a"}}) == 1);
  CHECK(out.value("ifmib_promiscuous_listeners", {{"device", "a"}}) == link["promiscuity"].get<double>());
  CHECK(out.value("ifmib_info", {{"device", "a"}, {"ifindex", std::to_string(link["ifindex"].get<int>())},
                                 {"iftype", "ether"}, {"driver", "veth"}}) == 1);
  CHECK(out.has("ifmib_link_changes_total", {{"device", "a"}}));
  CHECK(out.has("ifmib_dot3_fcs_errors_total", {{"device", "a"}}));
  CHECK_FALSE(out.has("ifmib_dot3_fcs_errors_total", {{"device", "lo"}}));
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "ifmib"}}) == 1);
}

TEST_CASE("send queue: drops, length and backlog equal tc after a real tbf overflow") {
  Netns ns;
  test::make_veth_pair(ns);
  // 8 bit/s: after the first burst the queue holds its 3000-byte limit for minutes, so the
  // numbers stay put while the exporter and tc read them.
  ns.sh("tc qdisc add dev a root tbf rate 8bit burst 1600 limit 3000");
  ns.sh("ip link add name c type veth peer name d && ip link set dev c up && tc qdisc add dev c root pfifo limit 5");
  ExporterInNetns exporter(ns, kPort);
  test::send_udp(ns, 300, 1000);

  const json tc = root_qdisc(ns, "a");
  const auto out = scrape(exporter);
  REQUIRE(tc["kind"] == "tbf");
  REQUIRE(tc["drops"].get<double>() > 0);  // the overflow really happened
  REQUIRE(tc == root_qdisc(ns, "a"));      // and nothing moved while we scraped
  const test::LabelSet a{{"device", "a"}};
  CHECK(out.value("ifmib_send_queue_drops_total", a) == tc["drops"].get<double>());
  CHECK(out.value("ifmib_send_queue_length", a) == tc["qlen"].get<double>());
  CHECK(out.value("ifmib_send_queue_backlog_bytes", a) == tc["backlog"].get<double>());
  CHECK(out.value("ifmib_send_queue_requeues_total", a) == tc["requeues"].get<double>());
  CHECK(out.value("ifmib_send_queue_overlimits_total", a) == tc["overlimits"].get<double>());
  CHECK(out.value("ifmib_send_queue_length", a).value() > 0);
  CHECK(out.value("ifmib_send_queue_info", {{"device", "a"}, {"qdisc", "tbf"}}) == 1);
  CHECK_FALSE(out.has("ifmib_send_queue_max_length", a));  // tbf's limit is in bytes
  CHECK(out.value("ifmib_send_queue_max_length", {{"device", "c"}}) == 5);
  CHECK(out.value("ifmib_send_queue_info", {{"device", "c"}, {"qdisc", "pfifo"}}) == 1);
  // veth's default is noqueue: no queue, no series.
  CHECK(root_qdisc(ns, "b")["kind"] == "noqueue");
  CHECK_FALSE(out.has("ifmib_send_queue_length", {{"device", "b"}}));
  CHECK_FALSE(out.has("ifmib_send_queue_drops_total", {{"device", "lo"}}));
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "send_queue"}}) == 1);
}

namespace {

// Counts from the procfs files themselves, independent of the exporter's parsers.
struct ProcCounts {
  int igmp_groups = 0, igmp6_groups = 0, link_groups = 0, sources4 = 0, sources6 = 0;
};

std::vector<std::vector<std::string>> fields_of(const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> f;
    for (std::string w; words >> w;) f.push_back(w);
    lines.push_back(f);
  }
  return lines;
}

ProcCounts proc_counts(const Netns& ns, const std::string& device) {
  ProcCounts c;
  // /proc/net/igmp: an interface line "Idx\tDevice    : Count Querier", then its groups on lines
  // that start with a tab.
  bool in_device = false;
  std::istringstream igmp(ns.sh("cat /proc/net/igmp"));
  for (std::string line; std::getline(igmp, line);) {
    if (line.rfind("Idx", 0) == 0 || line.empty()) continue;
    if (line[0] == '\t') {
      if (in_device) ++c.igmp_groups;
      continue;
    }
    std::istringstream words(line);
    std::string index, name;
    words >> index >> name;
    if (!name.empty() && name.back() == ':') name.pop_back();
    in_device = name == device;
  }
  for (const auto& f : fields_of(ns.sh("cat /proc/net/igmp6"))) {
    if (f.size() >= 2 && f[1] == device) ++c.igmp6_groups;
  }
  for (const auto& f : fields_of(ns.sh("cat /proc/net/dev_mcast"))) {
    if (f.size() >= 2 && f[1] == device) ++c.link_groups;
  }
  for (const auto& f : fields_of(ns.sh("cat /proc/net/mcfilter"))) {
    if (f.size() >= 2 && f[1] == device) ++c.sources4;
  }
  for (const auto& f : fields_of(ns.sh("cat /proc/net/mcfilter6"))) {
    if (f.size() >= 2 && f[1] == device) ++c.sources6;
  }
  return c;
}

const char* kJoiner = R"PY(
import socket, struct, sys, time
ifindex = socket.if_nametoindex('a')
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
              socket.inet_aton('239.1.1.1') + socket.inet_aton('10.9.0.1'))
ssm = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for src in ('10.9.0.20', '10.9.0.21'):
    # struct ip_mreq_source on Linux: multiaddr, interface, sourceaddr; IP_ADD_SOURCE_MEMBERSHIP = 39
    ssm.setsockopt(socket.IPPROTO_IP, 39, socket.inet_aton('232.1.1.1') + socket.inet_aton('10.9.0.1') +
                   socket.inet_aton(src))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
              socket.inet_pton(socket.AF_INET6, 'ff15::1234') + struct.pack('@I', ifindex))
print('joined', flush=True)
time.sleep(600)
)PY";

}  // namespace

TEST_CASE("multicast: groups and sources per family equal procfs after real joins") {
  Netns ns;
  ns.sh("ip link add name a type veth peer name b && ip addr add 10.9.0.1/24 dev a && ip link set dev a up && "
        "ip link set dev b up && ip maddr add 01:00:5e:01:02:03 dev a");
  std::ofstream("/tmp/ifmib-joiner-" + ns.name() + ".py") << kJoiner;
  test::Child joiner({"ip", "netns", "exec", ns.name(), "python3", "/tmp/ifmib-joiner-" + ns.name() + ".py"});
  for (int i = 0; i < 200 && joiner.stdout_text().find("joined") == std::string::npos; ++i) {
    REQUIRE_MESSAGE(joiner.running(), joiner.stderr_text());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(joiner.stdout_text().find("joined") != std::string::npos);
  ExporterInNetns exporter(ns, kPort, {"--collector.multicast.groups"});

  const auto out = scrape(exporter);
  const ProcCounts proc = proc_counts(ns, "a");
  std::remove(("/tmp/ifmib-joiner-" + ns.name() + ".py").c_str());
  CHECK(proc.igmp_groups >= 3);  // 224.0.0.1, 239.1.1.1, 232.1.1.1
  CHECK(proc.sources4 == 2);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "a"}, {"family", "inet"}}) == proc.igmp_groups);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "a"}, {"family", "inet6"}}) == proc.igmp6_groups);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "a"}, {"family", "link"}}) == proc.link_groups);
  CHECK(out.value("ifmib_multicast_sources", {{"device", "a"}, {"family", "inet"}}) == proc.sources4);
  CHECK(out.value("ifmib_multicast_sources", {{"device", "a"}, {"family", "inet6"}}) == proc.sources6);
  CHECK(out.value("ifmib_igmp_version", {{"device", "a"}}) == 3);

  const test::LabelSet base{{"device", "a"}, {"family", "inet"}};
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "a"}, {"family", "inet"}, {"group", "232.1.1.1"}, {"mode", "include"}}) == 2);
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "a"}, {"family", "inet"}, {"group", "239.1.1.1"}, {"mode", "exclude"}}) == 0);
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "a"}, {"family", "inet6"}, {"group", "ff15::1234"}, {"mode", "exclude"}}) == 0);
  CHECK(out.value("ifmib_multicast_group_users", {{"device", "a"}, {"family", "inet"}, {"group", "239.1.1.1"}}) == 1);
  CHECK(out.has("ifmib_multicast_group_users", {{"device", "a"}, {"family", "link"}, {"group", "01:00:5e:01:02:03"}}));
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "multicast"}}) == 1);

  // Leaving the groups shows up at the next scrape.
  joiner.stop(SIGKILL);
  const auto after = scrape(exporter);
  CHECK_FALSE(after.has("ifmib_multicast_group_sources", {{"group", "239.1.1.1"}}));
  CHECK(after.value("ifmib_multicast_sources", {{"device", "a"}, {"family", "inet"}}) == 0);
}

// Default flags (no per-group detail, so IPv6 groups come from the RTM_GETMULTICAST dump): the
// reader hands out its last snapshot while the kernel's bytes stay the same
// (platform/linux/multicast_memo.h), so scrapes before, during and after real joins must each
// equal procfs as it is then, and a join or a leave must show at the very next scrape.
TEST_CASE("multicast: default flags: steady scrapes, a real join, a leave, each scrape equals procfs") {
  Netns ns;
  ns.sh("ip link add name a type veth peer name b && ip addr add 10.9.0.1/24 dev a && ip link set dev a up && "
        "ip link set dev b up");
  ExporterInNetns exporter(ns, kPort);
  const auto check_equals_procfs = [&](const std::string& when) {
    const auto out = scrape(exporter);
    const ProcCounts proc = proc_counts(ns, "a");
    CAPTURE(when);
    CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "multicast"}}) == 1);
    CHECK(out.value("ifmib_multicast_groups", {{"device", "a"}, {"family", "inet"}}) == proc.igmp_groups);
    CHECK(out.value("ifmib_multicast_groups", {{"device", "a"}, {"family", "inet6"}}) == proc.igmp6_groups);
    CHECK(out.value("ifmib_multicast_groups", {{"device", "a"}, {"family", "link"}}) == proc.link_groups);
    CHECK(out.value("ifmib_multicast_sources", {{"device", "a"}, {"family", "inet"}}) == proc.sources4);
    CHECK(out.value("ifmib_multicast_sources", {{"device", "a"}, {"family", "inet6"}}) == proc.sources6);
    return proc;
  };
  const ProcCounts before = check_equals_procfs("before the joins");
  check_equals_procfs("before the joins, again");

  std::ofstream("/tmp/ifmib-joiner-" + ns.name() + ".py") << kJoiner;
  test::Child joiner({"ip", "netns", "exec", ns.name(), "python3", "/tmp/ifmib-joiner-" + ns.name() + ".py"});
  for (int i = 0; i < 200 && joiner.stdout_text().find("joined") == std::string::npos; ++i) {
    REQUIRE_MESSAGE(joiner.running(), joiner.stderr_text());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::remove(("/tmp/ifmib-joiner-" + ns.name() + ".py").c_str());
  REQUIRE(joiner.stdout_text().find("joined") != std::string::npos);
  const ProcCounts joined = check_equals_procfs("after the joins");
  CHECK(joined.igmp_groups == before.igmp_groups + 2);    // 239.1.1.1, 232.1.1.1
  CHECK(joined.igmp6_groups == before.igmp6_groups + 1);  // ff15::1234
  CHECK(joined.sources4 == 2);
  check_equals_procfs("after the joins, again");

  joiner.stop(SIGKILL);
  const ProcCounts left = check_equals_procfs("after the leave");
  CHECK(left.igmp_groups == before.igmp_groups);
  CHECK(left.igmp6_groups == before.igmp6_groups);
  CHECK(left.sources4 == 0);
}

// Without per-group detail and with no IPv6 source filter, the reader takes IPv6 groups from the
// RTM_GETMULTICAST dump, not /proc/net/igmp6. To see that it does, the reader runs in-process
// in the namespace with a procfs directory holding every multicast file but igmp6: the read
// succeeds only on the dump path, and its counts must equal igmp6's.
TEST_CASE("multicast: IPv6 groups from RTM_GETMULTICAST equal /proc/net/igmp6") {
  Netns ns;
  ns.sh("ip link add name a type veth peer name b && ip link set dev a up && ip link set dev b up && "
        "ip -6 addr add ff15::4321/128 dev a autojoin && ip addr add 239.3.3.3/32 dev a autojoin");
  std::string problem;
  std::map<std::string, int> from_reader, from_igmp6;
  std::thread([&] {
    if (!test::raw_http::enter_netns(ns.name())) {
      problem = "cannot enter " + ns.name();
      return;
    }
    char dir_pattern[] = "/tmp/ifmib-procnet-XXXXXX";
    if (!mkdtemp(dir_pattern)) {
      problem = "mkdtemp";
      return;
    }
    const std::string dir = dir_pattern;
    for (const char* file : {"igmp", "mcfilter", "mcfilter6", "dev_mcast"}) {
      std::ifstream in(std::string("/proc/thread-self/net/") + file);
      std::ofstream(dir + "/" + file) << in.rdbuf();
    }
    auto snapshot = platform::make_linux_reader(dir)->multicast({});
    std::ifstream igmp6("/proc/thread-self/net/igmp6");
    for (std::string line; std::getline(igmp6, line);) {
      std::istringstream words(line);
      std::string index, device;
      words >> index >> device;
      ++from_igmp6[device];
    }
    std::filesystem::remove_all(dir);
    if (!snapshot) {
      problem = snapshot.error().text();
      return;
    }
    for (const auto& g : snapshot->groups) {
      if (g.family == platform::AddressFamily::inet6) {
        ++from_reader[g.device];
        if (g.users) problem = "users reported for " + platform::address_text(g.family, g.group) + " though the dump has none";
      }
    }
  }).join();
  REQUIRE_MESSAGE(problem.empty(), problem);
  CHECK(from_reader == from_igmp6);
  CHECK(from_reader["a"] >= 3);  // ff02::1, ff02::1:ffXX:XXXX, ff15::4321 (and ff01::1)
}

TEST_CASE("hostile interface names: quotes, backslashes and UTF-8 give valid text") {
  Netns ns;
  ns.sh("ip link add name 'v\"q\\x' type veth peer name 'b\xC3\xA9' && ip link set dev 'v\"q\\x' up");
  ExporterInNetns exporter(ns, kPort, {"--collector.multicast.groups"});
  const auto out = scrape(exporter);
  CHECK(out.has("ifmib_receive_bytes_total", {{"device", "v\"q\\x"}}));
  CHECK(out.has("ifmib_receive_bytes_total", {{"device", "b\xC3\xA9"}}));
  int status = 0;
  test::run_shell("ip netns exec " + ns.name() + " curl -s http://127.0.0.1:10027/metrics | promtool check metrics",
                  &status);
  CHECK(status == 0);
}

TEST_CASE("an interface deleted between scrapes disappears without an error") {
  Netns ns;
  ns.sh("ip link add name x1 type veth peer name x2");
  ExporterInNetns exporter(ns, kPort);
  CHECK(scrape(exporter).has("ifmib_admin_up", {{"device", "x1"}}));
  ns.sh("ip link del dev x1");
  const auto out = scrape(exporter);
  CHECK_FALSE(out.has("ifmib_admin_up", {{"device", "x1"}}));
  CHECK_FALSE(out.has("ifmib_admin_up", {{"device", "x2"}}));
  for (const char* c : {"ifmib", "ether", "send_queue", "multicast"}) {
    CHECK(out.value("ifmib_scrape_collector_success", {{"collector", c}}) == 1);
  }
}

TEST_CASE("collect[] and device filters over HTTP") {
  Netns ns;
  ns.sh("ip link add name a type veth peer name b");
  ExporterInNetns exporter(ns, kPort, {"--collector.device-exclude=^b$"});
  const auto only = scrape(exporter, "/metrics?collect[]=send_queue&collect[]=ifmib");
  CHECK(only.has("ifmib_scrape_collector_success", {{"collector", "ifmib"}}));
  CHECK(only.has("ifmib_scrape_collector_success", {{"collector", "send_queue"}}));
  CHECK_FALSE(only.has("ifmib_scrape_collector_success", {{"collector", "multicast"}}));
  CHECK(only.has("ifmib_admin_up", {{"device", "a"}}));
  CHECK_FALSE(only.has("ifmib_admin_up", {{"device", "b"}}));
  int status = 0;
  const std::string body = exporter.get("/metrics?collect[]=nosuch", &status);
  CHECK(status == 400);
  CHECK(body.find("nosuch") != std::string::npos);
  exporter.get("/metrics?collect[]=%zz", &status);
  CHECK(status == 400);
  const auto excluded = scrape(exporter, "/metrics?exclude[]=multicast");
  CHECK_FALSE(excluded.has("ifmib_scrape_collector_success", {{"collector", "multicast"}}));
}

TEST_CASE("HTTP: landing page, health, 404, 405, HEAD and gzip") {
  Netns ns;
  ExporterInNetns exporter(ns, kPort);
  int status = 0;
  CHECK(exporter.get("/", &status).find("href=\"/metrics\"") != std::string::npos);
  CHECK(status == 200);
  exporter.get("/-/healthy", &status);
  CHECK(status == 200);
  exporter.get("/nope", &status);
  CHECK(status == 404);
  exporter.get("/metrics", &status, "-X POST");
  CHECK(status == 405);
  CHECK(exporter.get("/metrics", &status, "-I").find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  CHECK(status == 200);
  const std::string headers = exporter.get("/metrics", &status, "-D - -o /dev/null -H 'Accept-Encoding: gzip'");
  CHECK(headers.find("Content-Encoding: gzip") != std::string::npos);
  const std::string plain = exporter.get("/metrics", &status, "--compressed");
  CHECK(status == 200);
  CHECK(test::parse_exposition(plain).ok());
  CHECK(plain.find("ifmib_exporter_build_info") != std::string::npos);
}

TEST_CASE("promtool check metrics accepts a full scrape with group detail") {
  Netns ns;
  ns.sh("ip link add name a type veth peer name b && ip link set dev a up && ip link set dev b up && "
        "tc qdisc add dev a root pfifo limit 10");
  ExporterInNetns exporter(ns, kPort, {"--collector.multicast.groups"});
  std::string output;
  const int status = ns.sh_status("curl -s http://127.0.0.1:10027/metrics | promtool check metrics", &output);
  CHECK_MESSAGE(status == 0, output);
  CHECK_MESSAGE(output.empty(), output);
}

namespace {

// `ip -j link` spells RFC 2863 states in upper case; ifmib_oper_status carries the IF-MIB number.
double if_mib_number(const std::string& operstate) {
  static const std::map<std::string, double> kNumbers = {
      {"UP", 1}, {"DOWN", 2}, {"TESTING", 3}, {"UNKNOWN", 4}, {"DORMANT", 5}, {"NOTPRESENT", 6}, {"LOWERLAYERDOWN", 7}};
  const auto it = kNumbers.find(operstate);
  REQUIRE_MESSAGE(it != kNumbers.end(), "ip printed an operstate this test does not know: " << operstate);
  return it->second;
}

json ip_link(const Netns& ns, const std::string& device) {
  const json j = json::parse(ns.sh("ip -j -s -s link show dev '" + device + "'"));
  REQUIRE(j.size() == 1);
  return j[0];
}

// Exporter and `ip -j link` agree on operational and admin state of `device`; returns ip's operstate.
std::string check_state_equals_ip(const Netns& ns, const test::Exposition& out, const std::string& device) {
  const json link = ip_link(ns, device);
  const std::string operstate = link["operstate"].get<std::string>();
  bool admin_up = false;
  for (const auto& flag : link["flags"]) admin_up = admin_up || flag.get<std::string>() == "UP";
  INFO("device " << device << ", ip says operstate " << operstate);
  CHECK(out.value("ifmib_oper_status", {{"device", device}}) == if_mib_number(operstate));
  CHECK(out.value("ifmib_oper_up", {{"device", device}}) == (operstate == "UP" ? 1 : 0));
  CHECK(out.value("ifmib_admin_up", {{"device", device}}) == (admin_up ? 1 : 0));
  CHECK(out.value("ifmib_flag", {{"device", device}, {"flag", "up"}}) == (admin_up ? 1 : 0));
  return operstate;
}

// Operational state changes reach IFLA_OPERSTATE through the kernel's linkwatch work, which may
// run up to a second after the carrier change: wait until ip shows `operstate` before scraping.
void wait_for_operstate(const Netns& ns, const std::string& device, const std::string& operstate) {
  for (int i = 0; i < 50; ++i) {
    if (ip_link(ns, device)["operstate"] == operstate) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("ip never showed " << device << " as " << operstate);
}

double ip_carrier_changes(const Netns& ns, const std::string& device) {
  return ip_link(ns, device)["stats64"]["tx"]["carrier_changes"].get<double>();
}

}  // namespace

TEST_CASE("link state: a veth end set down gives the states ip -j link reports on both ends") {
  Netns ns;
  test::make_veth_pair(ns);
  ExporterInNetns exporter(ns, kPort);
  wait_for_operstate(ns, "a", "UP");
  wait_for_operstate(ns, "b", "UP");

  auto out = scrape(exporter);
  CHECK(check_state_equals_ip(ns, out, "a") == "UP");
  CHECK(check_state_equals_ip(ns, out, "b") == "UP");
  CHECK(check_state_equals_ip(ns, out, "lo") == "UNKNOWN");  // make_veth_pair's namespace has lo up
  const auto flag_series = out.find("ifmib_flag", {{"device", "a"}}).size();
  // Duplex and speed as sysfs reads them (the driver's get_link_ksettings; veth says full, 10000).
  const std::string duplex = ns.sh("cat /sys/class/net/a/duplex");
  INFO("sysfs duplex of a: " << duplex);
  CHECK(out.value("ifmib_full_duplex", {{"device", "a"}}) == (duplex.rfind("full", 0) == 0 ? 1 : 0));
  CHECK(out.value("ifmib_baudrate_bytes_per_second", {{"device", "a"}}) ==
        std::stod(ns.sh("cat /sys/class/net/a/speed")) * 1e6 / 8);
  CHECK(out.has("ifmib_autonegotiation_enabled", {{"device", "a"}}));
  CHECK_FALSE(out.has("ifmib_full_duplex", {{"device", "lo"}}));  // lo has no ethtool link settings

  // Changes b, waits until ip shows both ends in the expected state, then compares the exporter with ip.
  const auto set_b = [&](const std::string& updown, const std::string& b_state, const std::string& a_state) {
    ns.sh("ip link set dev b " + updown);
    wait_for_operstate(ns, "b", b_state);
    wait_for_operstate(ns, "a", a_state);
    out = scrape(exporter);
    CHECK(check_state_equals_ip(ns, out, "b") == b_state);
    CHECK(check_state_equals_ip(ns, out, "a") == a_state);
  };
  set_b("down", "DOWN", "LOWERLAYERDOWN");
  CHECK(out.value("ifmib_oper_status", {{"device", "a"}}) == 7);
  CHECK(out.value("ifmib_oper_status", {{"device", "b"}}) == 2);
  // running and lower_up flipped on a: values changed, the set of flag series did not.
  CHECK(out.find("ifmib_flag", {{"device", "a"}}).size() == flag_series);
  CHECK(out.value("ifmib_flag", {{"device", "a"}, {"flag", "lower_up"}}) == 0);

  set_b("up", "UP", "UP");
  CHECK(out.value("ifmib_flag", {{"device", "a"}, {"flag", "lower_up"}}) == 1);
}

TEST_CASE("link state: carrier changes move ifmib_link_changes_total as ip -s link counts them") {
  Netns ns;
  test::make_veth_pair(ns);
  ExporterInNetns exporter(ns, kPort);
  const auto before = scrape(exporter);
  const double ip_before = ip_carrier_changes(ns, "a");
  CHECK(before.value("ifmib_link_changes_total", {{"device", "a"}}) == ip_before);

  constexpr int kFlaps = 3;
  for (int i = 0; i < kFlaps; ++i) ns.sh("ip link set dev b down && ip link set dev b up");
  const auto after = scrape(exporter);
  const double ip_after = ip_carrier_changes(ns, "a");
  INFO("ip -s link: carrier changes of a " << ip_before << " -> " << ip_after);
  CHECK(ip_after - ip_before == 2 * kFlaps);  // a down and an up per flap, as the alert assumes
  CHECK(after.value("ifmib_link_changes_total", {{"device", "a"}}) == ip_after);
  CHECK(after.value("ifmib_link_changes_total", {{"device", "b"}}) == ip_carrier_changes(ns, "b"));
}

TEST_CASE("stacking: bridge master, veth peer in this and in another namespace, as ip -j -d link shows them") {
  Netns ns;
  Netns other;
  test::make_veth_pair(ns);
  ns.sh("ip link add name br0 type bridge && ip link set dev b master br0 && ip link set dev br0 up");
  ns.sh("ip link add name p type veth peer name q netns " + other.name());
  ExporterInNetns exporter(ns, kPort);
  const auto out = scrape(exporter);

  const auto details = [&](const std::string& device) {
    const json j = json::parse(ns.sh("ip -j -d link show dev " + device));
    REQUIRE(j.size() == 1);
    return j[0];
  };
  const json b = details("b");
  REQUIRE(b.value("master", "") == "br0");
  CHECK(out.value("ifmib_master_info", {{"device", "b"}, {"master", "br0"}}) == 1);
  CHECK(out.find("ifmib_master_info", {{"device", "a"}}).empty());

  // a's peer b is in this namespace: ip names it ("link": "b"); the exporter gives b's ifindex.
  const json a = details("a");
  REQUIRE(a.value("link", "") == "b");
  CHECK(out.value("ifmib_lower_info", {{"device", "a"}, {"lower_ifindex", std::to_string(b["ifindex"].get<int>())},
                                       {"lower_netnsid", ""}}) == 1);

  // p's peer q is in the other namespace: ip prints its ifindex there and the namespace id.
  const json p = details("p");
  REQUIRE(p.contains("link_index"));
  REQUIRE(p.contains("link_netnsid"));
  CHECK(out.value("ifmib_lower_info", {{"device", "p"},
                                       {"lower_ifindex", std::to_string(p["link_index"].get<int>())},
                                       {"lower_netnsid", std::to_string(p["link_netnsid"].get<int>())}}) == 1);
  const json q = json::parse(other.sh("ip -j link show dev q"))[0];
  CHECK(q["ifindex"].get<int>() == p["link_index"].get<int>());
  CHECK(out.find("ifmib_lower_info", {{"device", "br0"}}).empty());
  CHECK(out.find("ifmib_lower_info", {{"device", "lo"}}).empty());
}
