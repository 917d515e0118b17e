// Lint over every metric table: names, types and help as promtool's lint wants them.

#include <doctest/doctest.h>
#include <prometheus/check_names.h>

#include <set>
#include <string>

#include "collector/collector.h"
#include "collector/exporter_metrics.h"

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

TEST_CASE("label names used by the collectors are valid") {
  for (const char* label : {"device", "ifindex", "iftype", "driver", "alias", "flag", "master", "lower_ifindex", "lower_netnsid", "qdisc", "family", "group",
                            "mode", "collisions", "vendor", "part", "collector", "version", "revision", "compiler",
                            "platform", "code"}) {
    CHECK_MESSAGE(prometheus::CheckLabelName(label), label);
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
