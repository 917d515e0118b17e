#include "collector/exporter_metrics.h"

#include <array>
#include <string>

#include "platform/build_info.h"

namespace ifmib::collector {

using prometheus::MetricType;

namespace {

using M = ExporterMetric;

// In any order: metric_table puts each row at its enum position.
constexpr MetricRow<ExporterMetric> kRows[] = {
    {M::build_info, {"ifmib_exporter_build_info", MetricType::Gauge,
                     "Version, revision, compiler and platform ifmib_exporter was built with; always 1."}},
    {M::scrape_collector_duration_seconds,
     {"ifmib_scrape_collector_duration_seconds", MetricType::Gauge, "Time a collector took in this scrape."}},
    {M::scrape_collector_success,
     {"ifmib_scrape_collector_success", MetricType::Gauge, "1 if the collector succeeded in this scrape, else 0."}},
    {M::http_requests_total,
     {"ifmib_exporter_http_requests_total", MetricType::Counter, "HTTP requests answered, by status code."}},
    // --collector.netns (collector/netns_scrape.cpp).
    {M::netns_info,
     {"ifmib_netns_info", MetricType::Gauge,
      "A network namespace read in this scrape: its nsfs inode and, for an unnamed one, a process in it; always 1."}},
    {M::netns_skipped,
     {"ifmib_netns_skipped", MetricType::Gauge,
      "Network namespaces not read in this scrape, by reason: max, deadline, permission or error."}},
    {M::netns_unreadable_processes,
     {"ifmib_netns_unreadable_processes", MetricType::Gauge,
      "Processes whose network namespace the exporter may not look at (needs CAP_SYS_PTRACE)."}},
    {M::process_cpu_seconds_total,
     {"process_cpu_seconds_total", MetricType::Counter, "Total user and system CPU time spent in seconds."}},
    {M::process_resident_memory_bytes,
     {"process_resident_memory_bytes", MetricType::Gauge, "Resident memory size in bytes."}},
    {M::process_virtual_memory_bytes,
     {"process_virtual_memory_bytes", MetricType::Gauge, "Virtual memory size in bytes."}},
    {M::process_open_fds, {"process_open_fds", MetricType::Gauge, "Number of open file descriptors."}},
    {M::process_max_fds, {"process_max_fds", MetricType::Gauge, "Maximum number of open file descriptors."}},
    {M::process_start_time_seconds,
     {"process_start_time_seconds", MetricType::Gauge, "Start time of the process since unix epoch in seconds."}},
};

constexpr auto kMetrics = metric_table<static_cast<std::size_t>(M::count)>(kRows);

std::string compiler_text() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

std::span<const MetricSpec> exporter_metric_specs() { return kMetrics; }

const MetricSpec& exporter_metric(ExporterMetric metric) { return kMetrics[static_cast<std::size_t>(metric)]; }

BuildInfo current_build_info() {
  const platform::BuildFacts facts = platform::build_facts();
  return BuildInfo{facts.version, facts.revision, compiler_text(), facts.platform};
}

Family build_info_family(const BuildInfo& info) {
  auto family = make_family(exporter_metric(M::build_info));
  add_sample(family,
             {{"version", info.version}, {"revision", info.revision}, {"compiler", info.compiler},
              {"platform", info.platform}},
             1);
  return family;
}

Families process_families(const platform::ProcessStats& stats) {
  Families out;
  const auto one = [&](ExporterMetric metric, double value) {
    out.push_back(make_family(exporter_metric(metric)));
    add_sample(out.back(), {}, value);
  };
  one(M::process_cpu_seconds_total, stats.cpu_seconds);
  one(M::process_resident_memory_bytes, static_cast<double>(stats.resident_memory_bytes));
  one(M::process_virtual_memory_bytes, static_cast<double>(stats.virtual_memory_bytes));
  one(M::process_open_fds, static_cast<double>(stats.open_fds));
  if (stats.max_fds) one(M::process_max_fds, static_cast<double>(*stats.max_fds));
  one(M::process_start_time_seconds, stats.start_time_seconds);
  return out;
}

Family http_requests_family(const std::map<int, std::uint64_t>& by_status) {
  auto family = make_family(exporter_metric(M::http_requests_total));
  for (const auto& [status, count] : by_status) {
    add_sample(family, {{"code", std::to_string(status)}}, static_cast<double>(count));
  }
  return family;
}

}  // namespace ifmib::collector
