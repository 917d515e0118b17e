// platform::Address compares eight bytes at a time; these tests hold it to memcmp's order (then
// the length), the order the multicast series are sorted in, on addresses that share long
// prefixes and differ in single bytes of every value.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "platform/snapshot.h"

using ifmib::platform::Address;

namespace {

bool reference_less(const Address& a, const Address& b) {
  const int order = std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size());
  return order != 0 ? order < 0 : a.size < b.size;
}

bool reference_equal(const Address& a, const Address& b) {
  return std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size()) == 0 && a.size == b.size;
}

Address random_address(std::mt19937& rng) {
  static constexpr std::uint8_t kSizes[] = {0, 4, 6, 8, 16, 20, 32};
  Address a;
  a.size = kSizes[rng() % std::size(kSizes)];
  for (std::size_t i = 0; i < a.size; ++i) {
    const unsigned pick = rng() % 6;
    a.bytes[i] = pick == 0 ? 0x00 : pick == 1 ? 0xff : pick == 2 ? 0x80 : pick == 3 ? 0x7f : static_cast<std::uint8_t>(rng());
  }
  return a;
}

}  // namespace

TEST_CASE("Address: order and equality are memcmp's over the bytes, then the length") {
  std::mt19937 rng(42);
  for (int n = 0; n < 200000; ++n) {
    const Address a = random_address(rng);
    Address b = a;
    if (b.size > 0 && rng() % 2) b.bytes[rng() % b.size] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    if (rng() % 8 == 0) b = random_address(rng);
    CHECK((a < b) == reference_less(a, b));
    CHECK((b < a) == reference_less(b, a));
    CHECK((a == b) == reference_equal(a, b));
  }
}

TEST_CASE("Address: a byte high in the first word outranks every later byte") {
  Address low, high;
  low.size = high.size = 16;
  std::fill_n(low.bytes.begin(), 16, 0xff);
  low.bytes[0] = 0x01;
  high.bytes[0] = 0x02;
  CHECK(low < high);
  CHECK_FALSE(high < low);
  Address shorter = high;
  shorter.size = 4;
  CHECK(shorter < high);  // same bytes: the shorter first
  CHECK_FALSE(shorter == high);
}
