#include "collector/device_filter.h"

namespace ifmib::collector {

Result<DeviceFilter> DeviceFilter::create(const std::string& include, const std::string& exclude) {
  DeviceFilter filter;
  try {
    if (!include.empty()) filter.include_.emplace(include, std::regex::ECMAScript | std::regex::optimize);
    if (!exclude.empty()) filter.exclude_.emplace(exclude, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return Error::invalid("device filter", std::string("bad regular expression: ") + e.what());
  }
  return filter;
}

bool DeviceFilter::accepts(std::string_view device) const {
  if (include_ && !std::regex_search(device.begin(), device.end(), *include_)) return false;
  if (exclude_ && std::regex_search(device.begin(), device.end(), *exclude_)) return false;
  return true;
}

}  // namespace ifmib::collector
