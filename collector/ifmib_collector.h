#pragma once
// Interface MIB: per-interface generic counters and state (if_data / rtnl_link_stats64).

#include "collector/collector.h"

namespace ifmib::collector {

class IfmibCollector final : public Collector {
 public:
  /// The metric table (names, types, help) this collector may emit.
  static std::span<const MetricSpec> metrics();
  explicit IfmibCollector(const Options& options) : options_(options) {}
  Result<Families> collect(platform::Reader& reader) const override;

 private:
  Options options_;
};

}  // namespace ifmib::collector
