#pragma once
// Interface MIB: per-interface generic counters and state (if_data / rtnl_link_stats64).

#include <memory>
#include <string>
#include <vector>

#include "base/last_kept.h"
#include "collector/collector.h"

namespace ifmib::collector {

class IfmibCollector final : public Collector {
 public:
  /// The metric table (names, types, help) this collector may emit.
  static std::span<const MetricSpec> metrics();
  explicit IfmibCollector(const Options& options) : options_(options) {}
  Result<Families> collect(platform::Reader& reader) const override;

 private:
  // What the last scrape rendered from the interfaces' names and metadata, which seldom change
  // while their counters change on every scrape: every interface's device label (the text all
  // families share), ifmib_info and ifmib_lower_info, with the snapshot they were rendered
  // from. A scrape whose interfaces have the same names (and metadata) in the same order uses
  // that text instead of rendering it again; its families then share the very text object the
  // last scrape's did, which same_text compares by address instead of byte by byte 27 times.
  // Any difference renders that part afresh: the output is the same either way.
  struct Rendered {
    std::shared_ptr<const std::vector<platform::Interface>> snapshot;  // `interfaces` point into it
    std::vector<const platform::Interface*> interfaces;                // those the device filter accepts
    std::shared_ptr<const std::string> devices;
    std::vector<LabelSlice> device_of;  // each interface's slice of `devices`
    Family info;
    Family lower;
  };
  Options options_;
  mutable LastKept<Rendered> last_;
};

}  // namespace ifmib::collector
