#pragma once
// Multicast group memberships and source filters per interface and family, as ifmcstat(8) shows them.

#include "collector/collector.h"

namespace ifmib::collector {

class MulticastCollector final : public Collector {
 public:
  static std::span<const MetricSpec> metrics();
  explicit MulticastCollector(const Options& options) : options_(options) {}
  Result<Families> collect(platform::Reader& reader) const override;

 private:
  Options options_;
};

}  // namespace ifmib::collector
