// Hostile and broken HTTP clients against the real exporter in a test namespace: slow connections
// must not delay a real scrape, running out of descriptors must not crash or spin, and thousands
// of malformed requests must each get a 4xx/5xx or a closed connection while the process stays
// up with flat memory.

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/raw_http.h"
#include "tests/support/exposition.h"
#include "tests/support/linux/netns.h"

namespace test = ifmib::test;
namespace http = ifmib::test::raw_http;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPort = 9474;

bool sanitizer_report(const std::string& text) {
  return text.find("AddressSanitizer") != std::string::npos || text.find("LeakSanitizer") != std::string::npos ||
         text.find("ThreadSanitizer") != std::string::npos || text.find("runtime error:") != std::string::npos;
}

// A normal scrape from a fresh thread in the namespace: status and whether the body parses.
struct Scrape {
  int status = 0;
  bool parses = false;
  bool collectors_ok = false;  // every ifmib_scrape_collector_success is 1
  double seconds = 0;
};
Scrape scrape_once(const test::Netns& ns, double timeout_seconds) {
  Scrape out;
  std::thread([&] {
    if (!http::enter_netns(ns.name())) return;
    const auto start = Clock::now();
    const auto r = http::get(kPort, "/metrics", timeout_seconds);
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    out.status = r.status;
    const auto parsed = test::parse_exposition(r.body);
    out.parses = r.status == 200 && parsed.ok();
    if (out.parses) {
      const auto success = parsed->find("ifmib_scrape_collector_success");
      out.collectors_ok = !success.empty() &&
                          std::all_of(success.begin(), success.end(), [](const auto& x) { return x.value == 1; });
    }
  }).join();
  return out;
}

// The malformed requests: each must get a 4xx/5xx or a closed connection, never a 2xx/3xx.
std::vector<std::string> malformed_requests() {
  const std::string end = "\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::vector<std::string> r = {
      "garbage\r\n\r\n",
      "\r\n\r\n",
      "GET\r\n\r\n",
      "GET /metrics\r\n\r\n",
      "GET metrics HTTP/1.1" + end,
      "GET /metrics HTTP/9.9" + end,
      "GET /metrics FTP/1.1" + end,
      "GET /metrics?collect[]=%zz HTTP/1.1" + end,
      "GET /metrics?collect[]=%4 HTTP/1.1" + end,
      "GET /metrics?collect%5B%5D=%ff%fe HTTP/1.1" + end,
      "GET /metrics?collect[]=nope HTTP/1.1" + end,
      "GET /metrics?collect[]=ifmib&exclude[]=ifmib HTTP/1.1" + end,
      "GET /metrics?exclude[]=bogus%00 HTTP/1.1" + end,
      "GET /../../../../etc/passwd HTTP/1.1" + end,
      "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1" + end,
      "GET /metrics/../../etc/shadow HTTP/1.1" + end,
      "GET //etc/passwd HTTP/1.1" + end,
      "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
      "PUT /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      "DELETE /metrics HTTP/1.1" + end,
      "PATCH /metrics HTTP/1.1" + end,
      "TRACE / HTTP/1.1" + end,
      "CONNECT example.com:443 HTTP/1.1" + end,
      "FROB /metrics HTTP/1.1" + end,
      "PROPFIND / HTTP/1.1" + end,
      "GET /nonexistent HTTP/1.0\r\n\r\n",
      "DELETE / HTTP/1.0\r\n\r\n",
      "GET /metrics?collect[]=%zz HTTP/1.0\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n",
      "POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n",
      // Pipelined: two bad requests back to back on one connection.
      "GET /metrics?collect[]=nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /metrics HTTP/1.1" + end,
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics?collect[]=%zz HTTP/1.1\r\nHost: x\r\n\r\nFROB / HTTP/1.1" + end,
  };
  r.push_back("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'a') + "\r\n\r\n");
  r.push_back("GET /" + std::string(70000, 'b') + " HTTP/1.1" + end);
  std::string many = "GET /metrics HTTP/1.1\r\nHost: x\r\n";  // 40 kB of headers, past max_request_size
  for (int i = 0; i < 4000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  r.push_back(many + "\r\n");
  std::mt19937 rng(5);  // fixed seed: the same bytes on every run
  for (int i = 0; i < 5; ++i) {
    std::string junk(1 + rng() % 3000, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    r.push_back(junk + "\r\n\r\n");
  }
  return r;
}

// Sends one request, closes our sending side, reads until the server closes (or `timeout`).
// Returns "" when the answer is acceptable, else a description.
std::string judge(int port, const std::string& request, double timeout) {
  http::Connection c(port);
  if (!c.connected()) return "cannot connect";
  c.send(request);  // the server may close before reading everything: that is a fine answer
  c.shut_write();   // no more bytes will come: the server must not wait for them
  bool closed = false;
  const std::string raw = c.receive(timeout, &closed);
  if (raw.empty()) return closed ? "" : "no answer and connection left open";
  // Every response in the reply (pipelined requests may get several) must be an error. The status
  // is the number after the first space of each status line (civetweb, which served before,
  // echoed the request's protocol text there: "HTTP/9.9 505").
  if (raw.rfind("HTTP/", 0) != 0) return "reply is not HTTP: " + raw.substr(0, 40);
  std::size_t at = 0;
  while (at != std::string::npos) {
    const auto space = raw.find(' ', at);
    if (space == std::string::npos) return "bad status line: " + raw.substr(at, 40);
    const int status = std::atoi(raw.c_str() + space + 1);
    if (status < 400 || status > 599) return "status " + std::to_string(status);
    at = raw.find("\r\nHTTP/", space);  // the next response, if pipelined
    if (at != std::string::npos) at += 2;
  }
  return "";
}

}  // namespace

namespace {

// `count` connections to the exporter from the source addresses 127.0.0.2 to 127.0.0.(1 +
// `sources`) of the namespace, each sending half a request (`GET /metrics HTTP/1.1\r\nHost:
// x\r\n`) and then nothing: the slow clients of issue 13. Closed by the destructor or close_all().
class SlowClients {
 public:
  SlowClients(const test::Netns& ns, int count, int sources) {
    // One descriptor per connection: take the hard limit, as the exporter does.
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    REQUIRE_MESSAGE(limit.rlim_cur > static_cast<rlim_t>(count) + 100, "open file limit " << limit.rlim_cur);
    std::thread([&] {
      if (!http::enter_netns(ns.name())) return;
      for (int i = 0; i < count; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) break;
        sockaddr_in source{};
        source.sin_family = AF_INET;
        source.sin_addr.s_addr = htonl(0x7f000002u + static_cast<std::uint32_t>(i % sources));
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(kPort);
        server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const std::string half = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0 ||
            ::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 ||
            ::send(fd, half.data(), half.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(half.size())) {
          ::close(fd);
          break;
        }
        fds_.push_back(fd);
      }
    }).join();
  }
  ~SlowClients() { close_all(); }
  SlowClients(const SlowClients&) = delete;
  SlowClients& operator=(const SlowClients&) = delete;
  int opened() const { return static_cast<int>(fds_.size()); }
  void close_all() {
    for (int fd : fds_) ::close(fd);
    fds_.clear();
  }

 private:
  std::vector<int> fds_;
};

// Established TCP connections to the exporter's port inside `ns`, as the kernel lists them.
int established_to_port(const test::Netns& ns) {
  return std::atoi(ns.sh("ss -Htn state established '( sport = :" + std::to_string(kPort) + " )' | wc -l").c_str());
}

// utime + stime of `pid` in seconds (/proc/PID/stat fields 14 and 15).
double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

// Issue 13: with civetweb each connection held one of 44 workers until its request was whole, so
// 1000 connections that sent half a request delayed a real scrape by 22 s. Now waiting
// connections cost a descriptor in the event loop, and the scrape is answered at once (the 5 s
// bound is loose on purpose: the suite runs under ASan on a shared machine).
TEST_CASE("1000 slow connections from several addresses: a real scrape is answered within 5 s, and after they go") {
  test::Netns ns;
  test::ExporterInNetns exporter(ns, kPort);
  SlowClients slow(ns, 1000, 8);
  REQUIRE(slow.opened() == 1000);
  // The kernel's view: all of them are established with the exporter (accepted or in its backlog).
  CHECK(established_to_port(ns) >= 1000);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // as in the issue: the scrape comes 2 s later
  const Scrape during = scrape_once(ns, 30);
  MESSAGE("with 1000 slow connections: status " << during.status << " after " << during.seconds << " s");
  CHECK(during.status == 200);
  CHECK(during.parses);
  CHECK(during.collectors_ok);
  CHECK(during.seconds < 5);
  CHECK(established_to_port(ns) >= 1000);  // the slow ones are still open: they were not simply dropped

  slow.close_all();
  const Scrape after = scrape_once(ns, 30);
  MESSAGE("after the slow connections closed: status " << after.status << " after " << after.seconds << " s");
  CHECK(after.status == 200);
  CHECK(after.parses);
  CHECK(after.seconds < 5);
  REQUIRE(exporter.process().running());
}

// More connections than descriptors: accept() fails with EMFILE while the connection stays in the
// backlog, so a naive loop spins. The exporter closes the connections that have waited longest for
// a request, logs that once, and keeps answering scrapes.
TEST_CASE("too few descriptors for the connections that arrive: one log line, no crash, no busy loop") {
  test::Netns ns;
  // `ulimit -n` in sh sets the soft and the hard limit, so the exporter cannot raise it.
  test::Child child({"ip", "netns", "exec", ns.name(), "sh", "-c",
                     "ulimit -n 64 && exec '" + test::exporter_binary() + "' --web.listen-address=127.0.0.1:" +
                         std::to_string(kPort)});
  REQUIRE(test::wait_for_port(child) == kPort);
  SlowClients slow(ns, 200, 4);
  REQUIRE(slow.opened() == 200);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const Scrape s = scrape_once(ns, 30);
  CHECK(s.status == 200);
  CHECK(s.parses);
  CHECK(s.collectors_ok);  // the scrape's own sockets and files still open: descriptors are kept for it
  REQUIRE_MESSAGE(child.running(), child.stderr_text());
  // Idle now, with the descriptors still all in use: the process must not spin.
  const double before = cpu_seconds(child.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double used = cpu_seconds(child.pid()) - before;
  MESSAGE("CPU over 2 s at the descriptor limit: " << used << " s");
  CHECK(used < 0.5);
  SlowClients more(ns, 100, 4);
  CHECK(scrape_once(ns, 30).status == 200);
  const std::string err = child.stderr_text();
  std::size_t lines = 0;
  for (auto at = err.find("open file limit reached"); at != std::string::npos; at = err.find("open file limit reached", at + 1)) {
    ++lines;
  }
  CHECK_MESSAGE(lines == 1, err);
  CHECK(child.stop(SIGTERM, 30) == 0);
}

TEST_CASE("thousands of malformed requests: each gets 4xx/5xx or a close, the process stays up, memory flat") {
  test::Netns ns;
  // ASan's quarantine keeps freed memory for a while; keep it small so RSS shows what the
  // exporter itself holds on to. Leaks proper are LeakSanitizer's job at exit.
  const char* old = std::getenv("ASAN_OPTIONS");
  const std::string asan = std::string(old ? old : "") + (old && *old ? ":" : "") + "quarantine_size_mb=1";
  setenv("ASAN_OPTIONS", asan.c_str(), 1);
  test::ExporterInNetns exporter(ns, kPort);
  if (old) setenv("ASAN_OPTIONS", old, 1); else unsetenv("ASAN_OPTIONS");
  const int pid = exporter.process().pid();

  const auto requests = malformed_requests();
  constexpr int kRounds = 60;  // 60 x 44 requests = 2640
  std::mutex mu;
  std::map<std::size_t, std::string> failures;  // request index -> the last bad answer
  long rss_warm = 0;
  int sent = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::thread> clients;
    for (std::size_t first = 0; first < 4; ++first) {
      clients.emplace_back([&, first] {
        if (!http::enter_netns(ns.name())) return;
        for (std::size_t i = first; i < requests.size(); i += 4) {
          const std::string why = judge(kPort, requests[i], 5);
          if (!why.empty()) {
            std::lock_guard lock(mu);
            failures[i] = why;
          }
        }
      });
    }
    for (auto& t : clients) t.join();
    sent += static_cast<int>(requests.size());
    if (round == 9) rss_warm = http::rss_kb(pid);
    REQUIRE_MESSAGE(exporter.process().running(), exporter.process().stderr_text());
  }
  const long rss_end = http::rss_kb(pid);
  for (const auto& [i, why] : failures) FAIL_CHECK(why << " for request " << i << ": " << requests[i].substr(0, 60));

  const double growth = rss_warm > 0 ? 100.0 * static_cast<double>(rss_end - rss_warm) / static_cast<double>(rss_warm) : 0;
  MESSAGE(sent << " malformed requests; exporter RSS " << rss_warm << " kB after the first " << 10 * requests.size()
               << ", " << rss_end << " kB at the end: " << growth << " % growth");
  CHECK(rss_warm > 0);
  CHECK(rss_end <= rss_warm + rss_warm / 5 + 4096);  // flat: within 20 % + 4 MiB of the warm value

  // Still serving real scrapes, then a clean exit with nothing reported by the sanitizers.
  const Scrape s = scrape_once(ns, 10);
  CHECK(s.status == 200);
  CHECK(s.parses);
  const int status = exporter.process().stop(SIGTERM, 30);
  const std::string err = exporter.process().stderr_text();
  CHECK_MESSAGE(status == 0, "exit " << status << "\n" << err);
  CHECK_MESSAGE(!sanitizer_report(err), err);
}

// C string percent-decoding (civetweb's, which served before) ends the path at "%00" and serves
// "/metrics%00.html" as /metrics; decode_path refuses a NUL and the server answers 400.
TEST_CASE("a NUL in the path is not the metrics path") {
  test::Netns ns;
  test::ExporterInNetns exporter(ns, kPort);
  std::string why;
  std::thread([&] {
    if (http::enter_netns(ns.name())) why = judge(kPort, "GET /metrics%00.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5);
  }).join();
  CHECK_MESSAGE(why.empty(), why);
}
