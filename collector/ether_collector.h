#pragma once
// Ethernet-like interface statistics (RFC 1650 dot3StatsTable), where the OS reports them.

#include "collector/collector.h"

namespace ifmib::collector {

class EtherCollector final : public Collector {
 public:
  static std::span<const MetricSpec> metrics();
  explicit EtherCollector(const Options& options) : options_(options) {}
  Result<Families> collect(platform::Reader& reader) const override;

 private:
  Options options_;
};

}  // namespace ifmib::collector
