#pragma once
// Text forms of network-order addresses, as inet_ntop(3) prints them. Our own rather than
// inet_ntop: the FreeBSD decoders must print the same on every OS they are tested on, and glibc's
// inet_ntop formats each IPv6 word through sprintf, 16 M of a 1000-interface scrape's 179 M
// instructions (callgrind, bench/results/2026-11-30.md). tests/unit/address_text_test.cpp
// compares every function with the system's inet_ntop.

#include <cstdint>
#include <span>
#include <string>

namespace ifmib::platform {

/// Dotted quad ("224.0.0.1").
std::string ipv4_text(std::span<const std::uint8_t, 4> addr);
/// inet_ntop's IPv6 text: RFC 5952 (lower case, the longest run of two or more zero words as
/// "::", the first on a tie), and the IPv4-compatible and -mapped forms with a dotted quad tail
/// ("::ffff:192.0.2.1") where BIND's inet_ntop6, which glibc and FreeBSD's libc both carry, uses them.
std::string ipv6_text(std::span<const std::uint8_t, 16> addr);
/// Lower-case colon-separated hex of a link-layer address ("01:00:5e:00:00:01"); "" when empty.
std::string link_text(std::span<const std::uint8_t> addr);

}  // namespace ifmib::platform
