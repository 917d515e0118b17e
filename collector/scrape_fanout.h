#pragma once
// How a scrape may read more than the exporter's own reader: e.g. once per network namespace
// (collector/netns_scrape.h). The fan-out knows nothing of the scrape that uses it: it is handed
// the collection of one reader as a function, and decides which readers and how many at once.

#include <functional>
#include <string>

#include "collector/families.h"
#include "platform/reader.h"

namespace ifmib::collector {

/// The selected collectors run once against `reader`, with their duration/success families; with
/// `label`, every sample gets netns="<*label>" and failures are logged with it. Thread-safe.
using CollectOne = std::function<Families(platform::Reader& reader, const std::string* label)>;

/// Thread safety: collect() runs concurrently from several scrapes.
class ScrapeFanout {
 public:
  virtual ~ScrapeFanout() = default;
  /// `collect_one` for each reader this fan-out chooses, `own` (the exporter's own namespace)
  /// among them, plus any families of the fan-out itself.
  virtual Families collect(const CollectOne& collect_one, platform::Reader& own) const = 0;
};

}  // namespace ifmib::collector
