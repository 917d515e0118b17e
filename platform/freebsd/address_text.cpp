#include "platform/freebsd/address_text.h"

#include <array>
#include <cstdio>

namespace ifmib::platform::freebsd {

std::string ipv4_text(std::span<const std::uint8_t, 4> addr) {
  std::string out;
  for (std::size_t i = 0; i < addr.size(); ++i) {
    if (i != 0) out += '.';
    out += std::to_string(addr[i]);
  }
  return out;
}

std::string ipv6_text(std::span<const std::uint8_t, 16> addr) {
  std::array<unsigned, 8> words{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i] = (static_cast<unsigned>(addr[2 * i]) << 8) | addr[2 * i + 1];
  }
  // RFC 5952 §4.2: shorten the longest run of two or more zero words (the first one on a tie).
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[static_cast<std::size_t>(i)] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[static_cast<std::size_t>(j)] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;

  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", words[static_cast<std::size_t>(i)]);
    out += buf;
  }
  return out;
}

std::string link_text(std::span<const std::uint8_t> addr) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < addr.size(); ++i) {
    if (i != 0) out += ':';
    std::snprintf(buf, sizeof buf, "%02x", addr[i]);
    out += buf;
  }
  return out;
}

}  // namespace ifmib::platform::freebsd
