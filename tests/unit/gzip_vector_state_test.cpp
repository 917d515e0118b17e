// ISA-L's AVX-512 code returns with the upper halves of the vector registers dirty; the SSE code
// after it (the rest of the exporter) then ran up to ten times slower until something cleared
// them. The processor reports which register state is in use (XGETBV with ECX = 1, XINUSE):
// after deflate_piece() and gzip_crc32() the upper halves of registers 0-15 must be clear.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "server/content_encoding.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace {

#if defined(__x86_64__)
// CPUID leaf 0xD, sub-leaf 1, EAX bit 2: XGETBV with ECX = 1 reads XINUSE.
bool can_read_state_in_use() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 0xD) return false;
  __cpuid_count(0xD, 1, a, b, c, d);
  return (a >> 2 & 1) != 0;
}

std::uint64_t state_in_use() {
  std::uint32_t low = 0, high = 0;
  asm volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(1));
  return static_cast<std::uint64_t>(high) << 32 | low;
}
#endif

std::string exposition_like_text() {
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "ifmib_receive_bytes_total{device=\"b" + std::to_string(i) + "\"} " + std::to_string(i * 7919) + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("gzip: ISA-L's vector code leaves the upper vector register halves clear behind it") {
#if !defined(__x86_64__)
  MESSAGE("not x86-64: no vector state to check");
#else
  if (!__builtin_cpu_supports("avx") || !can_read_state_in_use()) {
    MESSAGE("no AVX or no XGETBV(1) here: skipped");
    return;
  }
  const std::string text = exposition_like_text();
  const auto deflated = ifmib::server::deflate_piece(text);
  const std::uint64_t after_deflate = state_in_use();
  const std::uint32_t crc = ifmib::server::gzip_crc32(text);
  const std::uint64_t after_crc = state_in_use();
  REQUIRE(deflated);
  CHECK(crc != 0);
  // XSAVE state components 2 (upper halves of YMM0-15) and 6 (upper halves of ZMM0-15): what
  // legacy SSE instructions depend on. Component 7 (ZMM16-31) is out of their reach.
  constexpr std::uint64_t kUpperHalves = std::uint64_t{1} << 2 | std::uint64_t{1} << 6;
  CHECK((after_deflate & kUpperHalves) == 0);
  CHECK((after_crc & kUpperHalves) == 0);
#endif
}
