// Hostile and broken HTTP clients against the real exporter in a test namespace: slowloris
// connections must not starve a real scrape, and thousands of malformed requests must each get
// a 4xx/5xx or a closed connection while the process stays up with flat memory.

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
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
    out.parses = r.status == 200 && test::parse_exposition(r.body).ok();
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
  // Every response in the reply (pipelined requests may get several) must be an error. civetweb
  // echoes the request's protocol text ("HTTP/9.9 505", "HTTP/FTP/1.1 400"), so the status is
  // the number after the first space of each status line.
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

// civetweb gives each connection a worker until the request is complete; request_timeout_ms
// (cmd/http_server.cpp) ends a request whose headers are not complete in time, so slow clients
// cycle through the workers and the real scrape gets one within Prometheus' scrape timeout.
TEST_CASE("slowloris: connections sending headers byte by byte do not starve a real scrape") {
  test::Netns ns;
  test::ExporterInNetns exporter(ns, kPort);
  // Twice as many slow connections as the server has workers (--web.max-requests 40 + 4). Each
  // sends a request line, then one header byte per second and never ends its headers; a
  // connection the server drops is opened again, as a real slowloris does.
  constexpr int kSlow = 88;
  std::atomic<bool> stop{false};
  std::atomic<int> reopened{0};
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back([&] {
      if (!http::enter_netns(ns.name())) return;
      while (!stop) {
        http::Connection c(kPort);
        if (!c.connected() || !c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        bool alive = true;
        while (!stop && alive) {
          for (int t = 0; t < 10 && !stop; ++t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
          alive = c.send("a");
          if (alive) {
            bool closed = false;
            c.receive(0.01, &closed);
            alive = !closed;
          }
        }
        if (!stop) ++reopened;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // every worker is now busy with a slow client
  const Scrape s = scrape_once(ns, 10);                   // Prometheus' default scrape timeout
  stop = true;
  for (auto& t : slow) t.join();
  MESSAGE("scrape under slowloris: status " << s.status << " after " << s.seconds << " s; slow connections "
                                            << "dropped by the server and reopened: " << reopened.load());
  CHECK(s.status == 200);
  CHECK(s.parses);
  REQUIRE(exporter.process().running());
  CHECK(scrape_once(ns, 10).status == 200);
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

// civetweb's own percent-decoding would end the path at "%00" and serve "/metrics%00.html" as
// /metrics; the server decodes the path itself and answers 400.
TEST_CASE("a NUL in the path is not the metrics path") {
  test::Netns ns;
  test::ExporterInNetns exporter(ns, kPort);
  std::string why;
  std::thread([&] {
    if (http::enter_netns(ns.name())) why = judge(kPort, "GET /metrics%00.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5);
  }).join();
  CHECK_MESSAGE(why.empty(), why);
}
