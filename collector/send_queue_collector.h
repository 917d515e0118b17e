#pragma once
// Send (transmit) queue of each interface: the metric operators page on.

#include "collector/collector.h"

namespace ifmib::collector {

class SendQueueCollector final : public Collector {
 public:
  static std::span<const MetricSpec> metrics();
  explicit SendQueueCollector(const Options& options) : options_(options) {}
  Result<Families> collect(platform::Reader& reader) const override;

 private:
  Options options_;
};

}  // namespace ifmib::collector
