// Lint over every metric table: names, types and help as promtool's lint wants them.

#include <doctest/doctest.h>
#include <prometheus/check_names.h>

#include <set>
#include <string>

#include "collector/collector.h"
#include "collector/exporter_metrics.h"
#include "collector/scrape.h"
#include "tests/support/address.h"
#include "tests/support/exposition.h"
#include "tests/support/fake_reader.h"
#include "tests/unit/collector_test_util.h"

using namespace ifmib;

namespace {

std::vector<collector::MetricSpec> every_spec() {
  std::vector<collector::MetricSpec> all;
  for (const auto& info : collector::all_collectors()) {
    for (const auto& spec : info.metrics()) all.push_back(spec);
  }
  for (const auto& spec : collector::exporter_metric_specs()) all.push_back(spec);
  return all;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

TEST_CASE("metric tables: valid names, ifmib_ prefix, unique, counters end in _total") {
  std::set<std::string> seen;
  for (const auto& spec : every_spec()) {
    const std::string name(spec.name);
    INFO(name);
    CHECK(prometheus::CheckMetricName(name));
    CHECK((name.rfind("ifmib_", 0) == 0 || name.rfind("process_", 0) == 0));
    CHECK(seen.insert(name).second);
    CHECK(name.find(':') == std::string::npos);
    if (spec.type == prometheus::MetricType::Counter) {
      CHECK(ends_with(name, "_total"));
    } else {
      CHECK_FALSE(ends_with(name, "_total"));
    }
    // promtool's lint: no type names in metric names, no reserved histogram/summary suffixes.
    for (const char* bad : {"_counter", "_gauge", "_summary", "_histogram", "_bucket", "_count", "_sum"}) {
      CHECK_FALSE(ends_with(name, bad));
    }
    // Base units only (promtool flags milli/kilo/bits and their abbreviations).
    std::set<std::string> parts;
    for (std::size_t start = 0, end; start <= name.size(); start = end + 1) {
      end = name.find('_', start);
      if (end == std::string::npos) end = name.size();
      parts.insert(name.substr(start, end - start));
    }
    for (const char* bad : {"bits", "milliseconds", "microseconds", "kilobytes", "megabytes", "s", "ms", "us", "ns",
                            "sec", "b", "kb", "mb", "gb", "m", "h", "d", "counter", "gauge"}) {
      CHECK_MESSAGE(parts.count(bad) == 0, bad);
    }
    const std::string help(spec.help);
    CHECK_FALSE(help.empty());
    CHECK(help.find('\n') == std::string::npos);
    CHECK(help.find('\\') == std::string::npos);
  }
  CHECK(seen.size() > 40);
}

TEST_CASE("label names: every label a full scrape emits is valid and not reserved") {
  // A scrape with every collector and every optional series on (per-group multicast detail,
  // per transmit queue), over snapshots that fill every optional field: the label names checked
  // are the ones the collectors really write, not a list that can fall behind them.
  auto reader = std::make_shared<test::FakeReader>();
  reader->interfaces_result = std::vector{test::ethernet_interface(), test::loopback_interface()};
  platform::SendQueue q;
  q.device = "eth0";
  q.index = 2;
  q.discipline = "mq";
  q.length = 1;
  q.max_length = 1000;
  q.drops = 3;
  q.backlog_bytes = 100;
  q.requeues = 1;
  q.overlimits = 1;
  platform::TransmitQueue tx;
  tx.queue = "0";
  tx.discipline = "pfifo";
  tx.length = 1;
  tx.backlog_bytes = 1;
  tx.requeues = 1;
  tx.enqueues = 1;
  tx.stalls = 1;
  q.queues = {tx};
  reader->send_queues_result = std::vector{q};
  platform::MulticastSnapshot m;
  m.groups = {ifmib::test::membership("eth0", 2, platform::AddressFamily::inet, "232.1.1.1", platform::FilterMode::include, {"10.0.0.1"}, 2),
              ifmib::test::membership("eth0", 2, platform::AddressFamily::link, "01:00:5e:00:00:01", std::nullopt, {}, 1)};
  m.protocols = {{"eth0", 2, platform::AddressFamily::inet, 3, 2, 125, 10, 1}};
  reader->multicast_result = m;
  collector::Options options;
  options.multicast_groups = true;
  options.send_queue_per_queue = true;
  collector::Scraper scraper({"ifmib", "ether", "send_queue", "multicast"}, options, reader, true, nullptr);
  const auto out = test::render(scraper.scrape({}));

  std::set<std::string> labels;
  for (const auto& sample : out.samples) {
    for (const auto& [name, value] : sample.labels) labels.insert(name);
  }
  // The richest series of each collector must be there, or the scrape proves nothing.
  for (const char* name : {"ifmib_info", "ifmib_dot3_fcs_errors_total", "ifmib_transmit_queue_drops_total",
                           "ifmib_multicast_group_sources", "ifmib_exporter_build_info"}) {
    CHECK_MESSAGE(out.has(name), name);
  }
  CHECK(labels.size() > 10);
  for (const auto& label : labels) {
    INFO(label);
    CHECK(prometheus::CheckLabelName(label));
    CHECK(label.rfind("__", 0) != 0);      // reserved for Prometheus itself
    CHECK(label != "le");                  // histogram buckets only
    CHECK(label != "quantile");            // summaries only
    CHECK(label != "job");                 // set by the scraper; ours would be renamed exported_job
    CHECK(label != "instance");
    CHECK(label != "type");                // the exporter-writing guide: too generic (iftype instead)
  }
}

TEST_CASE("collector registry: unique names and lookup") {
  std::set<std::string> names;
  for (const auto& info : collector::all_collectors()) {
    CHECK(names.insert(std::string(info.name)).second);
    CHECK(collector::find_collector(info.name) == &info);
    CHECK_FALSE(info.metrics().empty());
  }
  CHECK(names == std::set<std::string>{"ifmib", "ether", "send_queue", "multicast"});
  CHECK(collector::find_collector("nope") == nullptr);
}
