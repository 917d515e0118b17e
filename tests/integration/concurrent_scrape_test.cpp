// Many parallel scrapers of the real exporter in a test namespace while interfaces come and go.
// Under ASan it checks memory safety; `make test` also runs it from a ThreadSanitizer build
// (build-tsan), where a data race in the server, the scraper or the reader makes the exporter
// print a report and exit 66.

#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/raw_http.h"
#include "tests/support/exposition.h"
#include "tests/support/gunzip.h"
#include "tests/support/linux/netns.h"

namespace test = ifmib::test;
namespace http = ifmib::test::raw_http;

namespace {

constexpr int kPort = 9473;
constexpr int kScrapers = 16;
constexpr int kScrapesEach = 12;

// A sanitizer or a failed assertion in the exporter's own output.
bool sanitizer_report(const std::string& text) {
  return text.find("ThreadSanitizer") != std::string::npos || text.find("AddressSanitizer") != std::string::npos ||
         text.find("LeakSanitizer") != std::string::npos || text.find("runtime error:") != std::string::npos;
}

}  // namespace

TEST_CASE("concurrent scrapes: every answer is whole exposition text, every collector succeeds") {
  test::Netns ns;
  ns.sh("ip link add name a type veth peer name b && ip link set dev a up && ip link set dev b up && "
        "tc qdisc add dev a root tbf rate 1mbit burst 1600 limit 3000 && ip maddr add 01:00:5e:01:02:03 dev a");
  test::ExporterInNetns exporter(ns, kPort, {"--collector.multicast.groups", "--web.max-requests=0"});

  std::mutex mu;
  std::vector<std::string> failures;
  std::atomic<int> scrapes{0};
  auto fail = [&](std::string why) {
    std::lock_guard lock(mu);
    if (failures.size() < 10) failures.push_back(std::move(why));
  };

  std::vector<std::thread> scrapers;
  for (int t = 0; t < kScrapers; ++t) {
    scrapers.emplace_back([&, t] {
      if (!http::enter_netns(ns.name())) return fail("setns into " + ns.name() + " failed");
      // Half the scrapers keep one connection for all their scrapes, as Prometheus does: the
      // worker that made a response then writes it and hands the connection back to the loop
      // itself; the others close after each response, which the loop writes.
      const bool keep_alive = t % 4 == 1 || t % 4 == 2;
      std::optional<http::Connection> kept;
      if (keep_alive) kept.emplace(kPort);
      for (int i = 0; i < kScrapesEach; ++i) {
        // Half the scrapers ask for one collector, so selections differ between parallel scrapes.
        const std::string path = t % 2 ? "/metrics" : "/metrics?collect[]=send_queue&collect[]=ifmib";
        // Scrapers 0, 1, 4, 5, ... ask for gzip, as Prometheus does: the server's GzipCache is
        // shared by parallel responses of both selections while interfaces change.
        const bool gzip = t % 4 < 2;
        const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                    (keep_alive ? "" : "Connection: close\r\n") +
                                    (gzip ? "Accept-Encoding: gzip\r\n" : "") + "\r\n";
        http::Response r;
        if (keep_alive) {
          if (!kept->connected() || !kept->send(request)) return fail(path + ": the kept connection was closed");
          r = http::parse_response(kept->receive(60, nullptr, true));
        } else {
          r = http::exchange(kPort, request, 60);
        }
        if (r.status != 200) return fail(path + ": status " + std::to_string(r.status));
        if (gzip) {
          if (http::Connection::header_value(r.head, "content-encoding") != "gzip") {
            return fail(path + ": asked for gzip, got no Content-Encoding: gzip");
          }
          auto text = test::gunzip(r.body);
          if (!text) return fail(path + ": the gzip body does not inflate");
          r.body = std::move(*text);
        }
        auto parsed = test::parse_exposition(r.body);
        if (!parsed) return fail(path + ": not exposition text: " + parsed.error().text());
        const auto outcomes = parsed->find("ifmib_scrape_collector_success");
        if (outcomes.empty()) return fail(path + ": no ifmib_scrape_collector_success");
        for (const auto& s : outcomes) {
          if (s.value != 1) return fail(path + ": collector " + s.labels.at("collector") + " failed");
        }
        ++scrapes;
      }
    });
  }
  // Interfaces appear and vanish while the scrapes run (no REQUIRE here: the threads must be joined).
  for (int i = 0; i < 20; ++i) {
    const std::string name = "churn" + std::to_string(i);
    std::string out;
    if (ns.sh_status("ip link add name " + name + " type veth peer name " + name + "p && ip link set dev " + name +
                         " up",
                     &out) != 0) {
      fail("churn: " + out);
    }
    if (i >= 2) ns.sh_status("ip link del dev churn" + std::to_string(i - 2));
  }
  for (auto& t : scrapers) t.join();

  for (const auto& f : failures) FAIL_CHECK(f);
  CHECK(scrapes == kScrapers * kScrapesEach);
  const int status = exporter.process().stop(SIGTERM, 30);
  const std::string err = exporter.process().stderr_text();
  CHECK_MESSAGE(status == 0, "exporter exit status " << status << "\n" << err);
  CHECK_MESSAGE(!sanitizer_report(err), err);
}
