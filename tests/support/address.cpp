#include "tests/support/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace ifmib::test {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

platform::Address address(platform::AddressFamily family, std::string_view text) {
  const std::string s(text);
  std::array<std::uint8_t, 32> bytes{};
  std::size_t size = 0;
  switch (family) {
    case platform::AddressFamily::inet:
      if (inet_pton(AF_INET, s.c_str(), bytes.data()) != 1) throw std::invalid_argument("not IPv4: " + s);
      size = 4;
      break;
    case platform::AddressFamily::inet6:
      if (inet_pton(AF_INET6, s.c_str(), bytes.data()) != 1) throw std::invalid_argument("not IPv6: " + s);
      size = 16;
      break;
    case platform::AddressFamily::link:
      for (std::size_t i = 0; i < s.size(); i += 3) {
        const int hi = hex_value(s[i]);
        const int lo = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
        if (hi < 0 || lo < 0 || (i + 2 < s.size() && s[i + 2] != ':') || size == bytes.size()) {
          throw std::invalid_argument("not a link-layer address: " + s);
        }
        bytes[size++] = static_cast<std::uint8_t>(hi << 4 | lo);
      }
      break;
  }
  return platform::Address::of(std::span<const std::uint8_t>(bytes.data(), size));
}

std::vector<platform::Address> addresses(platform::AddressFamily family, const std::vector<std::string>& texts) {
  std::vector<platform::Address> out;
  for (const auto& text : texts) out.push_back(address(family, text));
  return out;
}

platform::MulticastGroup membership(std::string device, std::uint32_t index, platform::AddressFamily family,
                                    std::string_view group, std::optional<platform::FilterMode> mode,
                                    const std::vector<std::string>& sources, std::optional<std::uint32_t> users) {
  platform::MulticastGroup g;
  g.device = std::move(device);
  g.index = index;
  g.family = family;
  g.group = address(family, group);
  g.mode = mode;
  g.sources = addresses(family, sources);
  g.users = users;
  return g;
}

std::vector<std::string> texts(platform::AddressFamily family, const std::vector<platform::Address>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) out.push_back(platform::address_text(family, a));
  return out;
}

}  // namespace ifmib::test
