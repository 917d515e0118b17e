#pragma once
// Helpers shared by the libFuzzer targets in this directory: turning the fuzzer's bytes into the
// argument types the parsers take. Each target file defines LLVMFuzzerTestOneInput only.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace ifmib::fuzz {

/// A copy of the input in a std::vector, so that the start is aligned as the netlink walkers
/// require (dump() hands them a vector too) and any read past the end hits ASan's redzone.
inline std::vector<std::uint8_t> copy(const std::uint8_t* data, std::size_t size) {
  return std::vector<std::uint8_t>(data, data + size);
}

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits the input at the first NUL byte: two texts for parsers that take two files.
inline std::pair<std::string_view, std::string_view> split_at_nul(const std::uint8_t* data, std::size_t size) {
  const std::string_view all = text(data, size);
  const auto nul = all.find('\0');
  if (nul == std::string_view::npos) return {all, {}};
  return {all.substr(0, nul), all.substr(nul + 1)};
}

}  // namespace ifmib::fuzz
