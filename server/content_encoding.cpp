#include "server/content_encoding.h"

#if IFMIB_HAVE_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "server/http_request.h"

namespace ifmib::server {

bool accepts_gzip(std::string_view header) {
  // The first item naming gzip or "*" decides.
  std::optional<bool> verdict;
  each_list_item(header, [&](std::string_view item) {
    if (verdict) return;
    const std::string_view coding = trim_ows(item.substr(0, item.find(';')));
    if (coding != "gzip" && coding != "*") return;
    // A q-value of zero means "not acceptable" (RFC 9110 section 12.4.2).
    const auto q = item.find("q=");
    if (q == std::string_view::npos) {
      verdict = true;
      return;
    }
    double qvalue = 1;
    const std::string qtext(trim_ows(item.substr(q + 2)));
    try {
      qvalue = std::stod(qtext);
    } catch (const std::exception&) {
      qvalue = 0;
    }
    verdict = qvalue > 0;
  });
  return verdict.value_or(false);
}

#if IFMIB_HAVE_ISAL
namespace {

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx"))) void zero_upper_vector_halves() { __builtin_ia32_vzeroupper(); }
#endif

// ISA-L runs its AVX-512 code where the CPU has it and returns without vzeroupper, leaving the
// upper halves of the vector registers dirty. Until something clears them, every SSE
// instruction after it (the rest of this program is built for baseline x86-64: doubles, struct
// copies) runs with a false dependency on those halves: on the bench host, formatting a family's
// text right after a deflate took 200 us instead of 22, and the slowdown lasted into the next
// scrape (glibc's AVX-512 string functions do not clear them either). Called after every ISA-L
// call; a no-op where there is no AVX (then ISA-L used none) or no x86.
void after_isal() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool avx = __builtin_cpu_supports("avx");
  if (avx) zero_upper_vector_halves();
#endif
}

}  // namespace

std::optional<std::string> deflate_piece(std::string_view text) {
  // Level 1 favours CPU: scrapes are frequent and exposition text compresses well even at the
  // fastest level. ISA-L's igzip rather than libdeflate or zlib, chosen by bench/compress.cpp on
  // a 1000-interface scrape (2.6 MB): igzip 1 1.3 ms / 201 KB, libdeflate 1 4.0 ms / 171 KB,
  // zlib 1 6.4 ms / 190 KB (bench/results/).
  // avail_in is 32 bits.
  if (text.size() > UINT32_MAX) return std::nullopt;
  // The level's hash tables live in a buffer we hand it; no zeroing needed (isal_deflate_init
  // resets what it uses).
  const std::unique_ptr<std::uint8_t[]> level_buffer(new std::uint8_t[ISAL_DEF_LVL1_DEFAULT]);
  isal_zstream stream;
  isal_deflate_init(&stream);
  stream.level = 1;
  stream.level_buf = level_buffer.get();
  stream.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
  stream.gzip_flag = IGZIP_DEFLATE;
  stream.end_of_stream = 0;
  // All input compressed, then an empty stored block: the piece ends on a byte boundary.
  stream.flush = SYNC_FLUSH;
  stream.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<std::uint32_t>(text.size());
  // Uninitialised room rather than a zero-filled string (the memset of megabytes showed in perf).
  // An eighth of the text is plenty for exposition text (~13x smaller); incompressible input
  // needs a little more than itself, so the buffer grows until the flush is complete.
  std::size_t capacity = text.size() / 8 + 1024;
  std::unique_ptr<char[]> out(new char[capacity]);
  std::size_t used = 0;
  for (;;) {
    stream.next_out = reinterpret_cast<std::uint8_t*>(out.get() + used);
    stream.avail_out = static_cast<std::uint32_t>(std::min<std::size_t>(capacity - used, UINT32_MAX));
    const std::uint32_t room = stream.avail_out;
    const int status = isal_deflate(&stream);
    after_isal();
    if (status != COMP_OK) return std::nullopt;
    used += room - stream.avail_out;
    // Room left over means the flush is complete (igzip_lib.h, isal_deflate).
    if (stream.avail_in == 0 && stream.avail_out != 0) break;
    if (stream.avail_out != 0) return std::nullopt;  // input left, yet room: should not happen
    const std::size_t grown = capacity * 2;
    std::unique_ptr<char[]> bigger(new char[grown]);
    std::memcpy(bigger.get(), out.get(), used);
    out = std::move(bigger);
    capacity = grown;
  }
  return std::string(out.get(), used);
}

std::uint32_t gzip_crc32(std::string_view text) {
  const std::uint32_t crc = crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  after_isal();
  return crc;
}
#else
std::optional<std::string> deflate_piece(std::string_view text) { return deflate_piece_zlib(text); }
std::uint32_t gzip_crc32(std::string_view text) { return gzip_crc32_zlib(text); }
#endif

}  // namespace ifmib::server
