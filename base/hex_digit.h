#pragma once
// The value of one hexadecimal digit, for every decoder of hex text (percent-encoding in URLs,
// the /proc/net multicast files). A table, so that a digit costs one load rather than three
// range tests: the /proc/net files hold some 200 000 digits per full scrape at 1000 interfaces.

#include <array>
#include <cstddef>
#include <cstdint>

namespace ifmib {

namespace hex_detail {
constexpr std::array<std::int8_t, 256> kValue = [] {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  return table;
}();
}  // namespace hex_detail

/// 0-15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for every other byte.
constexpr int hex_digit_value(char c) { return hex_detail::kValue[static_cast<unsigned char>(c)]; }

static_assert(hex_digit_value('0') == 0 && hex_digit_value('9') == 9 && hex_digit_value('a') == 10 &&
              hex_digit_value('F') == 15 && hex_digit_value('g') == -1 && hex_digit_value('/') == -1 &&
              hex_digit_value(static_cast<char>(0xB0)) == -1);

}  // namespace ifmib
