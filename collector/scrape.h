#pragma once
// Runs the enabled collectors for one scrape and adds the exporter's own metrics.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "collector/collector.h"
#include "collector/exporter_metrics.h"
#include "collector/scrape_fanout.h"

namespace ifmib::collector {

/// Which collectors a request wants (collect[] / exclude[] query parameters).
struct Selection {
  std::vector<std::string> include;  // empty: every enabled collector
  std::vector<std::string> exclude;
};

/// Thread safety: scrape() may be called from several threads at once; each call reads the
/// kernel afresh and shares nothing mutable with the others but the failure log.
class Scraper {
 public:
  /// The answered HTTP requests by status code, for ifmib_exporter_http_requests_total.
  using HttpStatusCounts = std::function<std::map<int, std::uint64_t>()>;

  /// Without `exporter_metrics` (--web.disable-exporter-metrics) no process or HTTP metrics are
  /// added; an empty `http_status_counts` adds no HTTP metric.
  Scraper(std::vector<std::string> enabled, const Options& options, std::shared_ptr<platform::Reader> reader,
          bool exporter_metrics, HttpStatusCounts http_status_counts = {});

  /// An error message naming the first unknown or disabled collector in `selection`, if any.
  std::optional<std::string> check(const Selection& selection) const;

  /// One whole scrape. A failing collector costs its own families and reports success 0.
  Families scrape(const Selection& selection) const;

  const std::vector<std::string>& enabled() const { return names_; }

  /// Routes the collectors' part of every scrape through `fanout`. Call before serving.
  void set_fanout(std::shared_ptr<const ScrapeFanout> fanout) { fanout_ = std::move(fanout); }

 private:
  /// The selected collectors run once against `reader` (each kernel read at most once): their
  /// families, then ifmib_scrape_collector_{duration_seconds,success}. With `netns`, every sample
  /// gets the label netns="<*netns>" and failures are logged with it. Thread-safe.
  Families collect_from(platform::Reader& reader, const Selection& selection,
                        const std::string* netns = nullptr) const;
  void note_outcome(const std::string& name, const std::string* netns, double seconds,
                    const Error* error) const;

  std::vector<std::string> names_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  std::vector<platform::Reads> reads_;  // CollectorInfo::reads of each collector
  std::shared_ptr<platform::Reader> reader_;
  bool exporter_metrics_;
  HttpStatusCounts http_status_counts_;
  BuildInfo build_info_;
  std::shared_ptr<const ScrapeFanout> fanout_;  // null: collect from reader_ alone

  mutable std::mutex failures_mu_;
  mutable std::map<std::string, std::string> last_failure_;  // [netns/]collector -> error text while failing
};

}  // namespace ifmib::collector
