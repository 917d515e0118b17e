#pragma once
// The exporter's own metrics: build info, process_* and HTTP requests by status code.

#include <cstddef>
#include <map>
#include <span>

#include "collector/families.h"
#include "platform/snapshot.h"

namespace ifmib::collector {

/// Build facts for ifmib_exporter_build_info.
struct BuildInfo {
  std::string version, revision, compiler, platform;
};
BuildInfo current_build_info();

Family build_info_family(const BuildInfo& info);

/// The standard process_* families (client_golang's names) from a process snapshot.
Families process_families(const platform::ProcessStats& stats);

/// ifmib_exporter_http_requests_total from the server's answered requests by status code.
Family http_requests_family(const std::map<int, std::uint64_t>& by_status);

/// The exporter's own metrics (this file, the scrape and the namespace fan-out), by position in
/// their table: a misspelt metric does not compile.
enum class ExporterMetric : std::size_t {
  build_info, scrape_collector_duration_seconds, scrape_collector_success, http_requests_total,
  netns_info, netns_skipped, netns_unreadable_processes,
  process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
  process_max_fds, process_start_time_seconds,
  count
};
const MetricSpec& exporter_metric(ExporterMetric metric);

/// Every metric table that is not a collector's (for the lint and README tests).
std::span<const MetricSpec> exporter_metric_specs();

}  // namespace ifmib::collector
