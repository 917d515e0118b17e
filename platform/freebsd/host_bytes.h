#pragma once
// Reads fixed-width integers out of a sysctl buffer. FreeBSD writes them in host byte order;
// the decoders are only meant for little-endian hosts (amd64, arm64), which is also what the
// Linux test machines are, so host order and the fixtures' order agree.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace ifmib::platform::freebsd::detail {

/// The T stored at `offset`. The caller has checked that offset + sizeof(T) <= bytes.size().
template <class T>
T load(std::span<const std::uint8_t> bytes, std::size_t offset) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

}  // namespace ifmib::platform::freebsd::detail
