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

}  // namespace ifmib::platform
