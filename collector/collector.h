#pragma once
// A collector turns platform snapshots into metric families. It knows nothing of the OS.

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "collector/device_filter.h"
#include "collector/families.h"
#include "platform/reader.h"
#include "base/result.h"

namespace ifmib::collector {

/// Settings shared by the collectors, fixed at start-up (read-only afterwards).
struct Options {
  DeviceFilter devices;
  platform::MulticastQuery multicast;  // families (--collector.multicast.families)
  bool multicast_groups = false;       // per-group series (--collector.multicast.groups, ifmcstat -v)
  bool send_queue_per_queue = false;   // per transmit queue series (--collector.send_queue.per-queue)
};

/// Thread safety: collect() may run concurrently from several scrapes; implementations keep
/// no mutable state but a memo of what their last scrape made, behind a lock, which never
/// changes what collect() returns (the interface MIB's and the multicast collector's).
class Collector {
 public:
  virtual ~Collector() = default;
  /// All of this collector's families, or an Error: a collector succeeds whole or fails.
  virtual Result<Families> collect(platform::Reader& reader) const = 0;
};

/// One entry of the registry (collector/registry.cpp).
struct CollectorInfo {
  std::string_view name;
  bool default_enabled;
  std::string_view help;                   // one line for --help and the README
  platform::Reads reads;                   // the Reader methods its collect() calls
  std::span<const MetricSpec> (*metrics)();  // the collector's metric table
  std::unique_ptr<Collector> (*make)(const Options& options);
};

/// Every collector this build has, in a fixed order.
std::span<const CollectorInfo> all_collectors();
const CollectorInfo* find_collector(std::string_view name);

}  // namespace ifmib::collector
