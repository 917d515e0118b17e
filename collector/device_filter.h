#pragma once
// --collector.device-include / --collector.device-exclude, shared by every collector
// (like `ifmcstat -i`, but a regular expression, as node_exporter's device filters are).

#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ifmib::collector {

/// Immutable after construction, so safe to share between concurrent scrapes.
class DeviceFilter {
 public:
  DeviceFilter() = default;
  /// Either pattern may be empty (no constraint). Patterns are ECMAScript regular expressions,
  /// matched unanchored against the whole name, as node_exporter matches its device filters.
  static Result<DeviceFilter> create(const std::string& include, const std::string& exclude);

  bool accepts(std::string_view device) const;

 private:
  std::optional<std::regex> include_, exclude_;
};

}  // namespace ifmib::collector
