#include "platform/snapshot.h"

namespace ifmib::platform {

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
