#include "server/crc32_combine.h"

#include <array>

namespace ifmib::server {

namespace {

// CRC-32 works on polynomials over GF(2), stored reflected: bit 31 is the coefficient of x^0,
// bit 0 that of x^31. kPolynomial is the generator without its x^32 term.
constexpr std::uint32_t kPolynomial = 0xedb88320u;

// a * b modulo the generator.
constexpr std::uint32_t multiply(std::uint32_t a, std::uint32_t b) {
  std::uint32_t product = 0;
  for (std::uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
    if ((a & bit) != 0) product ^= b;
    // b *= x: a shift towards higher powers, reduced when x^32 appears.
    b = (b & 1) != 0 ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^(2^k) modulo the generator, k = 0..63: each the square of the one before.
constexpr std::array<std::uint32_t, 64> kPowersOfTwo = [] {
  std::array<std::uint32_t, 64> powers{};
  powers[0] = 1u << 30;  // x^1
  for (std::size_t k = 1; k < powers.size(); ++k) powers[k] = multiply(powers[k - 1], powers[k - 1]);
  return powers;
}();

// x^(8 * bytes) modulo the generator.
std::uint32_t shift_by_bytes(std::uint64_t bytes) {
  std::uint32_t power = 1u << 31;  // x^0
  // 8 * bytes = bytes << 3: bit k of `bytes` stands for x^(2^(k+3)).
  for (std::size_t k = 3; bytes != 0 && k < kPowersOfTwo.size(); ++k, bytes >>= 1) {
    if ((bytes & 1) != 0) power = multiply(power, kPowersOfTwo[k]);
  }
  return power;
}

}  // namespace

std::uint32_t crc32_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b) {
  // CRC(A B) = CRC(A) * x^(8 |B|) + CRC(B): the pre- and post-inversion of CRC-32 cancel out in
  // this sum, since B's own CRC starts from the same inverted register.
  return multiply(shift_by_bytes(length_b), crc_a) ^ crc_b;
}

}  // namespace ifmib::server
