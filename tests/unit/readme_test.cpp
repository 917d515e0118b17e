// The README's metric table and flag table stay in agreement with the code.

#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cmd/flags.h"
#include "collector/collector.h"
#include "collector/exporter_metrics.h"

using namespace ifmib;

namespace {
std::string readme() {
  std::ifstream in(std::string(IFMIB_SOURCE_DIR) + "/README.md");
  REQUIRE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("README lists every metric with its type, and no metric that does not exist") {
  std::map<std::string, std::string> documented;
  const std::regex row(R"(\n\| `((?:ifmib|process)_[a-z0-9_]+)` \| (counter|gauge) \|)");
  const std::string text = readme();
  for (std::sregex_iterator it(text.begin(), text.end(), row), end; it != end; ++it) {
    documented[(*it)[1]] = (*it)[2];
  }
  std::map<std::string, std::string> actual;
  const auto add = [&](const collector::MetricSpec& spec) {
    actual[std::string(spec.name)] = spec.type == prometheus::MetricType::Counter ? "counter" : "gauge";
  };
  for (const auto& info : collector::all_collectors()) {
    for (const auto& spec : info.metrics()) add(spec);
  }
  for (const auto& spec : collector::exporter_metric_specs()) add(spec);
  CHECK(documented == actual);
}

TEST_CASE("README documents every flag of --help") {
  const std::string text = readme();
  const std::string usage = cmd::usage_text();
  const std::regex flag(R"(--(?:\[no-\])?([a-z][a-z0-9._-]+))");
  for (std::sregex_iterator it(usage.begin(), usage.end(), flag), end; it != end; ++it) {
    std::string name = (*it)[1];
    if (name.rfind("collector.", 0) == 0 && collector::find_collector(name.substr(10))) continue;  // the <name> row
    const bool found = text.find("--" + name) != std::string::npos || text.find("--[no-]" + name) != std::string::npos;
    CHECK_MESSAGE(found, name);
  }
}
