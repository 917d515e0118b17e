// platform/address_text.h against the system's own inet_ntop(3), the independent source: every
// function must print what inet_ntop prints, on edge cases and on 200 000 pseudo-random addresses
// biased towards zero words (where the "::" and embedded-IPv4 rules live).

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "platform/address_text.h"
#include "platform/snapshot.h"
#include "tests/support/address.h"

using namespace ifmib;

namespace {

std::string system_text(int family, const std::uint8_t* bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, bytes, buf, sizeof buf) == nullptr) return "(inet_ntop failed)";
  return buf;
}

std::array<std::uint8_t, 16> v6(std::initializer_list<unsigned> words) {
  std::array<std::uint8_t, 16> out{};
  std::size_t i = 0;
  for (unsigned w : words) {
    out[i++] = static_cast<std::uint8_t>(w >> 8);
    out[i++] = static_cast<std::uint8_t>(w);
  }
  return out;
}

}  // namespace

TEST_CASE("address text: IPv6 edge cases print as inet_ntop prints them") {
  const std::array<std::array<std::uint8_t, 16>, 14> cases{
      v6({0, 0, 0, 0, 0, 0, 0, 0}),                      // ::
      v6({0, 0, 0, 0, 0, 0, 0, 1}),                      // ::1
      v6({0, 0, 0, 0, 0, 0, 0, 2}),                      // ::2, not ::0.0.0.2
      v6({0, 0, 0, 0, 0, 0, 0xc000, 0x0201}),            // ::192.0.2.1 (compatible)
      v6({0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201}),       // ::ffff:192.0.2.1 (mapped)
      v6({0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x0201}),       // not mapped
      v6({0xff02, 0, 0, 0, 0, 0, 0, 1}),                 // ff02::1
      v6({0xff02, 0, 0, 0, 0, 1, 0xff00, 1}),            // ff02::1:ff00:1
      v6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}),             // first of two equal runs
      v6({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}),             // a single zero word stays
      v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0}),             // trailing run
      v6({0, 0, 1, 0, 0, 0, 1, 0}),                      // the longer run wins
      v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}),
      v6({0xabcd, 0x0ef0, 0x00f0, 0x000f, 0x1000, 0x0100, 0x0010, 0x0001}),
  };
  for (const auto& a : cases) {
    CHECK(platform::ipv6_text(a) == system_text(AF_INET6, a.data()));
  }
}

TEST_CASE("address text: 200 000 pseudo-random IPv4 and IPv6 addresses print as inet_ntop prints them") {
  std::mt19937_64 random(20261130);
  int mismatches = 0;
  for (int n = 0; n < 200000 && mismatches < 5; ++n) {
    std::array<std::uint8_t, 16> a{};
    const std::uint64_t zero_mask = random(), bits = random(), more = random();
    for (std::size_t w = 0; w < 8; ++w) {
      // Each word zero with probability 1/2, 0xffff with 1/16, else random.
      unsigned word = static_cast<unsigned>((w < 4 ? bits : more) >> (16 * (w % 4))) & 0xffff;
      if ((zero_mask >> w) & 1) word = 0;
      else if (((zero_mask >> (8 + 4 * w)) & 0xf) == 0) word = 0xffff;
      a[2 * w] = static_cast<std::uint8_t>(word >> 8);
      a[2 * w + 1] = static_cast<std::uint8_t>(word);
    }
    const std::string ours = platform::ipv6_text(a), theirs = system_text(AF_INET6, a.data());
    if (ours != theirs) {
      ++mismatches;
      CHECK(ours == theirs);
    }
    const std::span<const std::uint8_t, 4> four(a.data() + (n % 13), 4);
    const std::string ours4 = platform::ipv4_text(four), theirs4 = system_text(AF_INET, four.data());
    if (ours4 != theirs4) {
      ++mismatches;
      CHECK(ours4 == theirs4);
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("address text: link-layer addresses in lower-case colon hex") {
  const std::uint8_t mac[] = {0x01, 0x00, 0x5e, 0xAB, 0x0f, 0xf0};
  CHECK(platform::link_text(mac) == "01:00:5e:ab:0f:f0");
  CHECK(platform::link_text(std::span<const std::uint8_t>()) == "");
  const std::uint8_t one[] = {0xfe};
  CHECK(platform::link_text(one) == "fe");
  const std::uint8_t infiniband[20] = {0x00, 0xff, 0x12};  // 20-byte addresses exist (ARPHRD_INFINIBAND)
  CHECK(platform::link_text(infiniband) == "00:ff:12:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00");
}

TEST_CASE("address text: a snapshot Address prints as its family says, and compares by its bytes") {
  using platform::AddressFamily;
  const std::uint8_t v4[] = {224, 0, 0, 251};
  std::uint8_t v6[16] = {0xff, 0x02};
  v6[15] = 1;
  const std::uint8_t mac[] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
  const auto a4 = platform::Address::of(v4), a6 = platform::Address::of(v6), ll = platform::Address::of(mac);
  CHECK(platform::address_text(AddressFamily::inet, a4) == system_text(AF_INET, v4));
  CHECK(platform::address_text(AddressFamily::inet6, a6) == system_text(AF_INET6, v6));
  CHECK(platform::address_text(AddressFamily::link, ll) == "33:33:00:00:00:01");
  // A length that does not fit the family is shown as bytes, never read past them.
  CHECK(platform::address_text(AddressFamily::inet6, a4) == "e0:00:00:fb");
  CHECK(platform::address_text(AddressFamily::inet, platform::Address{}) == "");
  // Longer than 32 bytes: the first 32 are kept.
  const std::array<std::uint8_t, 40> long_one{};
  CHECK(platform::Address::of(long_one).size == 32);
  // Equal exactly when the bytes and the length are; ordered by bytes.
  CHECK(platform::Address::of(v4) == a4);
  CHECK_FALSE(platform::Address::of(std::span<const std::uint8_t>(v4, 3)) == a4);
  const std::uint8_t lower[] = {224, 0, 0, 22};
  CHECK(platform::Address::of(lower) < a4);
  // The tests' own text parser (tests/support/address.cpp) agrees with both directions.
  CHECK(test::address(AddressFamily::inet, "224.0.0.251") == a4);
  CHECK(test::address(AddressFamily::inet6, "ff02::1") == a6);
  CHECK(test::address(AddressFamily::link, "33:33:00:00:00:01") == ll);
  CHECK_THROWS(test::address(AddressFamily::link, "33:33:0"));
  CHECK_THROWS(test::address(AddressFamily::inet, "ff02::1"));
}
