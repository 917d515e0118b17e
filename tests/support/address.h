#pragma once
// Addresses for tests written as text: the snapshot keeps multicast addresses as bytes
// (platform::Address), and tests state them the way ifmcstat and `ip maddr` print them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/snapshot.h"

namespace ifmib::test {

/// `text` as the bytes of an address of `family`: inet and inet6 through inet_pton, link from
/// colon-separated hex pairs ("01:00:5e:00:00:01"). Text that does not parse throws
/// std::invalid_argument, so a typo fails the test that made it.
platform::Address address(platform::AddressFamily family, std::string_view text);

/// The same for several addresses of one family.
std::vector<platform::Address> addresses(platform::AddressFamily family, const std::vector<std::string>& texts);

/// A group membership with its group and sources written as text.
platform::MulticastGroup membership(std::string device, std::uint32_t index, platform::AddressFamily family,
                                    std::string_view group, std::optional<platform::FilterMode> mode,
                                    const std::vector<std::string>& sources, std::optional<std::uint32_t> users);

/// platform::address_text() of each address.
std::vector<std::string> texts(platform::AddressFamily family, const std::vector<platform::Address>& addresses);

}  // namespace ifmib::test
