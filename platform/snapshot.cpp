#include "platform/snapshot.h"

#include "platform/address_text.h"

namespace ifmib::platform {

std::vector<std::string> set_flag_names(const Interface& i) {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < i.known_flags.size() && k < 64; ++k) {
    if ((i.known_flags_set >> k & 1) != 0) names.emplace_back(i.known_flags[k]);
  }
  names.insert(names.end(), i.unknown_flags.begin(), i.unknown_flags.end());
  return names;
}

std::string address_text(AddressFamily family, const Address& address) {
  if (family == AddressFamily::inet && address.size == 4) {
    return ipv4_text(std::span<const std::uint8_t, 4>(address.bytes.data(), 4));
  }
  if (family == AddressFamily::inet6 && address.size == 16) {
    return ipv6_text(std::span<const std::uint8_t, 16>(address.bytes.data(), 16));
  }
  return link_text(address.view());
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
