#include "platform/snapshot.h"

namespace ifmib::platform {

std::vector<std::string> set_flag_names(const Interface& i) {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < i.known_flags.size() && k < 64; ++k) {
    if ((i.known_flags_set >> k & 1) != 0) names.emplace_back(i.known_flags[k]);
  }
  names.insert(names.end(), i.unknown_flags.begin(), i.unknown_flags.end());
  return names;
}

const char* to_string(AddressFamily family) {
  switch (family) {
    case AddressFamily::inet: return "inet";
    case AddressFamily::inet6: return "inet6";
    case AddressFamily::link: return "link";
  }
  return "unknown";
}

const char* to_string(FilterMode mode) {
  return mode == FilterMode::include ? "include" : "exclude";
}

const char* to_string(OperStatus status) {
  switch (status) {
    case OperStatus::up: return "up";
    case OperStatus::down: return "down";
    case OperStatus::testing: return "testing";
    case OperStatus::unknown: return "unknown";
    case OperStatus::dormant: return "dormant";
    case OperStatus::not_present: return "notpresent";
    case OperStatus::lower_layer_down: return "lowerlayerdown";
  }
  return "unknown";
}

}  // namespace ifmib::platform
