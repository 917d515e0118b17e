#pragma once
// Text forms of the addresses found in FreeBSD sysctl buffers. Written here rather than taken
// from inet_ntop(3) so that the output is identical on every OS the decoders are tested on.

#include <cstdint>
#include <span>
#include <string>

namespace ifmib::platform::freebsd {

/// Dotted quad of a network-order IPv4 address ("224.0.0.1"). Expects 4 bytes.
std::string ipv4_text(std::span<const std::uint8_t, 4> addr);
/// RFC 5952 canonical text of a network-order IPv6 address ("ff02::1:ff00:1"). Expects 16 bytes.
std::string ipv6_text(std::span<const std::uint8_t, 16> addr);
/// Lower-case colon-separated hex of a link-layer address ("01:00:5e:00:00:01"); "" when empty.
std::string link_text(std::span<const std::uint8_t> addr);

}  // namespace ifmib::platform::freebsd
