#pragma once
// --collector.netns: every enabled collector, once per network namespace, each series labelled
// netns="<name>" ("" for the exporter's own, "inode:<n>" for unnamed ones).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "collector/device_filter.h"
#include "collector/scrape_fanout.h"
#include "platform/netns_source.h"

namespace ifmib::collector {

/// Settings of the namespace fan-out (--collector.netns.*), fixed at start-up.
struct NetnsOptions {
  DeviceFilter names;              // include/exclude regular expressions on the netns label
  std::size_t max = 256;           // namespaces per scrape, the exporter's own included
  std::chrono::milliseconds deadline{10000};  // no namespace is started after this much of a scrape
  int workers = 4;                 // namespaces read at once
};

/// The namespace fan-out. The exporter's own namespace is always read (through the scraper's
/// reader, without entering anything); the filter and the limit apply to the others.
/// Namespaces that vanish between listing and reading are skipped silently; those that may not
/// be entered (no CAP_SYS_ADMIN), that hit the limit or the deadline are counted in
/// ifmib_netns_skipped{reason} and logged (a changed count at warn level, repeats at debug).
/// Thread safety: collect() may run from several scrapes at once.
class NetnsFanout final : public ScrapeFanout {
 public:
  NetnsFanout(NetnsOptions options, std::shared_ptr<platform::NamespaceSource> source);

  /// Logs, at warn level, why other namespaces cannot be read, if they cannot; true if they can.
  bool announce_access() const;

  Families collect(const CollectOne& collect_one, platform::Reader& own) const override;

 private:
  NetnsOptions options_;
  std::shared_ptr<platform::NamespaceSource> source_;
  mutable std::mutex log_mu_;
  mutable std::string last_warning_;  // guarded by log_mu_: the last skip summary logged at warn
};

}  // namespace ifmib::collector
