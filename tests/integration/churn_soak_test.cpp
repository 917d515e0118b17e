// Churn soak: in a test namespace, veth pairs come and go, qdiscs change and multicast groups are
// joined and left without pause while several clients scrape without pause. IFMIB_SOAK_SECONDS
// sets the length (default 60, the short version in `make test`; `make soak` runs it longer).
// Pass: every response is 200 and parses as exposition text, ifmib_scrape_collector_success is
// always 1, the send-queue drop counter of a stable interface never goes backwards, and the
// exporter's resident memory and open descriptors stay flat (growth printed in percent).

#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform/linux/netlink_socket.h"
#include "tests/integration/raw_http.h"
#include "tests/support/exposition.h"
#include "tests/support/linux/netns.h"

namespace test = ifmib::test;
namespace http = ifmib::test::raw_http;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPort = 9475;
constexpr int kScrapers = 4;

long open_fds(int pid) {
  long n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

double percent(long from, long to) { return from > 0 ? 100.0 * static_cast<double>(to - from) / static_cast<double>(from) : 0; }

// One churn step: a new veth pair with a qdisc, a qdisc change and group joins on the previous
// pair, the pair before that deleted; link-layer and IP groups joined and left on the stable one.
std::string churn_step(int i) {
  const std::string n = "v" + std::to_string(i), prev = "v" + std::to_string(i - 1), old = "v" + std::to_string(i - 2);
  static const char* kQdiscs[] = {"pfifo limit 7", "bfifo limit 10000", "fq_codel", "tbf rate 1mbit burst 1600 limit 3000",
                                  "pfifo_fast", "sfq"};
  const std::string group = std::to_string(1 + i % 200);
  std::string cmd = "ip link add name " + n + " type veth peer name " + n + "p && ip link set dev " + n +
                    " up && tc qdisc add dev " + n + " root " + kQdiscs[i % 6];
  cmd += "; tc qdisc replace dev " + prev + " root " + kQdiscs[(i + 3) % 6] + " 2>/dev/null";
  cmd += "; ip maddr add 01:00:5e:00:01:" + std::to_string(10 + i % 80) + " dev " + prev + " 2>/dev/null";
  cmd += "; ip addr add 239.9.9." + group + "/32 dev " + prev + " autojoin 2>/dev/null";
  cmd += "; ip link del dev " + old + " 2>/dev/null";
  cmd += "; ip maddr add 01:00:5e:00:02:" + std::to_string(10 + i % 80) + " dev s0 2>/dev/null";
  cmd += "; ip maddr del 01:00:5e:00:02:" + std::to_string(10 + (i + 40) % 80) + " dev s0 2>/dev/null";
  cmd += "; ip addr add 239.8.8." + group + "/32 dev s0 autojoin 2>/dev/null";
  cmd += "; ip addr del 239.8.8." + std::to_string(1 + (i + 100) % 200) + "/32 dev s0 2>/dev/null; true";
  return cmd;
}

}  // namespace

TEST_CASE("churn soak: valid text, collectors succeed, drops monotonic, memory and fds flat") {
  const char* env = std::getenv("IFMIB_SOAK_SECONDS");
  const double seconds = env ? std::atof(env) : 60;
  test::Netns ns;
  // The stable interface: its tbf queue overflows once (8 bit/s), so its drop counter is > 0
  // and must never go backwards while everything around it churns.
  ns.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
  ns.sh("ip link add name s0 type veth peer name s1 && ip addr add 10.9.0.1/24 dev s0 && ip link set dev s0 up && "
        "ip link set dev s1 up && ip neigh add 10.9.0.2 lladdr $(cat /sys/class/net/s1/address) dev s0 nud permanent");
  ns.sh("tc qdisc add dev s0 root tbf rate 8bit burst 1600 limit 3000");
  ns.sh("python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
        "[s.sendto(b'x'*1000, ('10.9.0.2', 9)) for _ in range(300)]\"");
  // Keep ASan's quarantine small so RSS reflects what the exporter holds (see hostile_clients_test).
  const char* old = std::getenv("ASAN_OPTIONS");
  setenv("ASAN_OPTIONS", (std::string(old ? old : "") + (old && *old ? ":" : "") + "quarantine_size_mb=1").c_str(), 1);
  test::ExporterInNetns exporter(ns, kPort, {"--collector.multicast.groups"});
  if (old) setenv("ASAN_OPTIONS", old, 1); else unsetenv("ASAN_OPTIONS");
  const int pid = exporter.process().pid();
  REQUIRE(exporter.get("/metrics").size() > 0);
  const long fds_start = open_fds(pid);

  std::mutex mu;
  std::map<std::string, int> failures;  // kind of failure -> count
  std::string first_failure;
  std::atomic<bool> stop{false};
  std::atomic<long> scrapes{0};
  std::atomic<double> max_drops{0};
  auto fail = [&](const std::string& kind, const std::string& detail) {
    std::lock_guard lock(mu);
    if (failures[kind]++ == 0 && first_failure.empty()) first_failure = kind + ": " + detail;
  };

  std::vector<std::thread> scrapers;
  for (int t = 0; t < kScrapers; ++t) {
    scrapers.emplace_back([&] {
      if (!http::enter_netns(ns.name())) return fail("setns", ns.name());
      double last_drops = 0;
      while (!stop) {
        const auto r = http::get(kPort, "/metrics", 30);
        if (r.status != 200) {
          fail("status", std::to_string(r.status));
          continue;
        }
        auto parsed = test::parse_exposition(r.body);
        if (!parsed) {
          fail("exposition", parsed.error().text());
          continue;
        }
        for (const auto& s : parsed->find("ifmib_scrape_collector_success")) {
          if (s.value != 1) fail("collector " + s.labels.at("collector"), "success 0");
        }
        const auto drops = parsed->value("ifmib_send_queue_drops_total", {{"device", "s0"}});
        if (!drops) {
          fail("s0 drops missing", "");
        } else {
          if (*drops < last_drops) fail("drops backwards", std::to_string(last_drops) + " -> " + std::to_string(*drops));
          last_drops = *drops;
          double seen = max_drops;
          while (*drops > seen && !max_drops.compare_exchange_weak(seen, *drops)) {
          }
        }
        ++scrapes;
      }
    });
  }

  const auto start = Clock::now();
  const auto warm_at = start + std::chrono::duration<double>(seconds / 4);
  const auto end_at = start + std::chrono::duration<double>(seconds);
  long rss_warm = 0, fds_warm = 0, steps = 0;
  for (int i = 0; Clock::now() < end_at; ++i, ++steps) {
    std::string out;
    if (ns.sh_status(churn_step(i), &out) != 0) fail("churn command", out);
    if (rss_warm == 0 && Clock::now() >= warm_at) {
      rss_warm = http::rss_kb(pid);
      fds_warm = open_fds(pid);
    }
    if (!exporter.process().running()) break;
  }
  stop = true;
  for (auto& t : scrapers) t.join();
  const long rss_end = http::rss_kb(pid);
  long fds_end = open_fds(pid);
  for (int i = 0; i < 50 && fds_end > fds_start; ++i) {  // keep-alive sockets closing
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    fds_end = open_fds(pid);
  }

  MESSAGE("soak " << seconds << " s: " << scrapes.load() << " scrapes by " << kScrapers << " clients, " << steps
                  << " churn steps; s0 drops " << max_drops.load() << "; RSS " << rss_warm << " kB at 1/4 -> " << rss_end
                  << " kB (" << percent(rss_warm, rss_end) << " %); fds " << fds_start << " at start, " << fds_warm
                  << " at 1/4 (in-flight scrapes included), " << fds_end << " at the end ("
                  << percent(fds_start, fds_end) << " %)");
  for (const auto& [kind, count] : failures) FAIL_CHECK(kind << ": " << count << " times");
  if (!first_failure.empty()) MESSAGE("first failure: " << first_failure << "\nexporter log tail:\n"
                                      << exporter.process().stderr_text().substr(
                                             exporter.process().stderr_text().size() > 3000
                                                 ? exporter.process().stderr_text().size() - 3000 : 0));
  REQUIRE(exporter.process().running());
  CHECK(scrapes > 0);
  CHECK(max_drops > 0);
  CHECK(rss_end <= rss_warm + rss_warm / 5 + 4096);  // flat: within 20 % + 4 MiB of the warm value
  // The exporter keeps up to kMaxIdleDumpSockets netlink sockets open for its dumps once
  // concurrent scrapes have needed them; anything beyond is a leak.
  CHECK(fds_end <= fds_start + 2 + static_cast<long>(ifmib::platform::netlink::kMaxIdleDumpSockets));
  const int status = exporter.process().stop(SIGTERM, 30);
  CHECK_MESSAGE(status == 0, exporter.process().stderr_text());
}
