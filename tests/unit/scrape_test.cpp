#include <doctest/doctest.h>

#include <set>

#include "collector/exporter_metrics.h"
#include "collector/scrape.h"
#include "tests/support/exposition.h"
#include "tests/support/fake_reader.h"
#include "tests/unit/collector_test_util.h"

using namespace ifmib;

namespace {
const std::vector<std::string> kAll = {"ifmib", "ether", "send_queue", "multicast"};
}

TEST_CASE("scrape: one failing collector costs success 0, the rest is served") {
  auto reader = std::make_shared<test::FakeReader>();
  reader->interfaces_result = std::vector{test::ethernet_interface()};
  reader->send_queues_result = Error::invalid("RTM_GETQDISC", "boom");
  collector::Scraper scraper(kAll, {}, reader, true, nullptr);
  const auto out = test::render(scraper.scrape({}));
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "ifmib"}}) == 1);
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "ether"}}) == 1);
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "send_queue"}}) == 0);
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "multicast"}}) == 1);
  CHECK(out.has("ifmib_scrape_collector_duration_seconds", {{"collector", "send_queue"}}));
  CHECK(out.has("ifmib_receive_bytes_total", {{"device", "eth0"}}));
  CHECK_FALSE(out.has("ifmib_send_queue_drops_total"));
  CHECK(out.value("ifmib_exporter_build_info", {{"version", IFMIB_PROJECT_VERSION}}) == 1);
  CHECK(out.has("process_start_time_seconds"));
}

TEST_CASE("scrape: ifmib and ether share one link dump per scrape") {
  auto reader = std::make_shared<test::FakeReader>();
  reader->interfaces_result = std::vector{test::ethernet_interface()};
  collector::Scraper scraper(kAll, {}, reader, false, nullptr);
  (void)scraper.scrape({});
  CHECK(reader->interface_calls == 1);
  (void)scraper.scrape({});
  CHECK(reader->interface_calls == 2);  // but every scrape reads afresh
}

TEST_CASE("scrape: each scrape makes the reads its collectors declare, each once") {
  auto reader = std::make_shared<test::FakeReader>();
  reader->interfaces_result = std::vector{test::ethernet_interface()};
  collector::Scraper scraper(kAll, {}, reader, false, nullptr);

  // Alone, the send queue is read the reader's own way: no interfaces.
  (void)scraper.scrape({{"send_queue"}, {}});
  CHECK(reader->interface_calls == 0);
  CHECK(reader->send_queue_calls == 1);
  CHECK(reader->send_queues_of_calls == 0);
  CHECK(reader->multicast_calls == 0);

  // With the interface MIB, the queues are named from the interfaces the scrape read anyway.
  (void)scraper.scrape({{"send_queue", "ifmib"}, {}});
  CHECK(reader->interface_calls == 1);
  CHECK(reader->send_queue_calls == 1);
  CHECK(reader->send_queues_of_calls == 1);

  // The full scrape: one interface read for ifmib, ether and send_queue together.
  (void)scraper.scrape({});
  CHECK(reader->interface_calls == 2);
  CHECK(reader->send_queues_of_calls == 2);
  CHECK(reader->multicast_calls == 1);

  (void)scraper.scrape({{"multicast"}, {}});
  CHECK(reader->interface_calls == 2);
  CHECK(reader->send_queue_calls == 1);
  CHECK(reader->send_queues_of_calls == 2);
  CHECK(reader->multicast_calls == 2);
}

TEST_CASE("scrape: every collector's reads are declared in the registry") {
  // Each collector alone, against a reader that would serve anything: a call to a read it did
  // not declare fails it (success 0), so success 1 for each proves the declarations complete.
  auto reader = std::make_shared<test::FakeReader>();
  reader->interfaces_result = std::vector{test::ethernet_interface()};
  collector::Scraper scraper(kAll, {}, reader, false, nullptr);
  for (const auto& name : kAll) {
    INFO(name);
    const auto out = test::render(scraper.scrape({{name}, {}}));
    CHECK(out.value("ifmib_scrape_collector_success", {{"collector", name}}) == 1);
  }
  const auto declared = [](const char* name) { return collector::find_collector(name)->reads; };
  CHECK(declared("ifmib") == platform::Reads{platform::Read::interfaces});
  CHECK(declared("ether") == platform::Reads{platform::Read::interfaces});
  CHECK(declared("send_queue") == platform::Reads{platform::Read::send_queues});
  CHECK(declared("multicast") == platform::Reads{platform::Read::multicast});
}

TEST_CASE("scrape: collect[] and exclude[] select collectors - unknown and disabled names are refused") {
  auto reader = std::make_shared<test::FakeReader>();
  collector::Scraper scraper({"ifmib", "send_queue"}, {}, reader, false, nullptr);
  CHECK(scraper.check({{"ifmib"}, {}}) == std::nullopt);
  CHECK(scraper.check({{"bogus"}, {}}) == "unknown collector: bogus");
  CHECK(scraper.check({{}, {"multicast"}}) == "disabled collector: multicast");

  const auto only = test::render(scraper.scrape({{"send_queue"}, {}}));
  CHECK(only.has("ifmib_scrape_collector_success", {{"collector", "send_queue"}}));
  CHECK_FALSE(only.has("ifmib_scrape_collector_success", {{"collector", "ifmib"}}));
  const auto excluded = test::render(scraper.scrape({{}, {"send_queue"}}));
  CHECK(excluded.has("ifmib_scrape_collector_success", {{"collector", "ifmib"}}));
  CHECK_FALSE(excluded.has("ifmib_scrape_collector_success", {{"collector", "send_queue"}}));
  CHECK(reader->multicast_calls == 0);
}

TEST_CASE("scrape: --web.disable-exporter-metrics drops process and HTTP metrics, keeps build info") {
  auto reader = std::make_shared<test::FakeReader>();
  const auto requests = [] { return std::map<int, std::uint64_t>{{200, 2}, {404, 1}}; };
  {
    collector::Scraper scraper(kAll, {}, reader, true, requests);
    const auto out = test::render(scraper.scrape({}));
    CHECK(out.value("ifmib_exporter_http_requests_total", {{"code", "200"}}) == 2);
    CHECK(out.value("ifmib_exporter_http_requests_total", {{"code", "404"}}) == 1);
    CHECK(out.has("process_cpu_seconds_total"));
  }
  collector::Scraper quiet(kAll, {}, reader, false, requests);
  const auto out = test::render(quiet.scrape({}));
  CHECK_FALSE(out.has("ifmib_exporter_http_requests_total"));
  CHECK_FALSE(out.has("process_cpu_seconds_total"));
  CHECK(out.has("ifmib_exporter_build_info"));
}

TEST_CASE("scrape: a full scrape never repeats a family name") {
  auto reader = std::make_shared<test::FakeReader>();
  reader->interfaces_result = std::vector{test::ethernet_interface(), test::loopback_interface()};
  reader->send_queues_result = std::vector{platform::SendQueue{
      "eth0", 2, "mq", 1, 10, 2, 3, 4, 5, {{"0", "pfifo", 2, 1, 100, 0, std::nullopt, std::nullopt}}}};
  const auto requests = [] { return std::map<int, std::uint64_t>{{200, 1}}; };
  collector::Options options;
  options.send_queue_per_queue = true;  // the per-queue families too
  collector::Scraper scraper(kAll, options, reader, true, requests);
  std::set<std::string> names;
  for (const auto& family : scraper.scrape({})) CHECK_MESSAGE(names.insert(std::string(family.spec.name)).second, family.spec.name);
  CHECK(names.count("ifmib_transmit_queue_drops_total") == 1);
}

TEST_CASE("scrape: what the reader served only in part is taken once per scrape, to be logged") {
  auto reader = std::make_shared<test::FakeReader>();
  reader->notes = {Error::invalid("ifdata row 4", "ifi_datalen 144, expected 152")};
  collector::Scraper scraper(kAll, {}, reader, false);
  const auto out = test::render(scraper.scrape({}));
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "ifmib"}}) == 1);  // partly read is served
  CHECK(reader->take_notes_calls == 1);
  CHECK(reader->notes.empty());
  (void)scraper.scrape({});
  CHECK(reader->take_notes_calls == 2);
}
