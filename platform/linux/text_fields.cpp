#include "platform/linux/text_fields.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ifmib::platform::procfs {

namespace {

// Eight bytes at a time (SWAR): a word's bytes are classified together, and the first byte of
// the class sought is found with one count of trailing zeros. Exact: no byte is misclassified,
// whatever its value (the test compares with a byte-at-a-time split on every byte value).
constexpr std::uint64_t kEachByte = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
constexpr std::uint64_t kLowBits = 0x7F7F7F7F7F7F7F7FULL;

// The 8 bytes at `p`, the first in the lowest bits on every host.
std::uint64_t load_word(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// The high bit of each byte of `w` that is not zero, and no other bit. ((w & 0x7F) + 0x7F sets
// the high bit exactly when the low seven bits are not all zero; or-ing w adds a set high bit.)
std::uint64_t nonzero_bytes(std::uint64_t w) { return (((w & kLowBits) + kLowBits) | w) & kHighBits; }

// The high bit of each byte of `w` that is ' ' or '\t'.
std::uint64_t blank_bytes(std::uint64_t w) {
  const std::uint64_t not_space = nonzero_bytes(w ^ (kEachByte * ' '));
  const std::uint64_t not_tab = nonzero_bytes(w ^ (kEachByte * '\t'));
  return ~(not_space & not_tab) & kHighBits;
}

// Bit i set when byte i of the `len` (at most 64) bytes at `p` belongs to a field. A word's
// eight high bits are gathered into eight adjacent bits by one multiplication (each lands on its
// own bit of the top byte; no two partial products meet, so nothing carries).
std::uint64_t field_bits(const char* p, std::size_t len) {
  std::uint64_t bits = 0;
  std::size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const std::uint64_t fields = ~blank_bytes(load_word(p + i)) & kHighBits;
    bits |= ((fields >> 7) * 0x0102040810204080ULL >> 56) << i;
  }
  for (; i < len; ++i) bits |= static_cast<std::uint64_t>(!is_blank(p[i])) << i;
  return bits;
}

}  // namespace

std::uint64_t FieldSplitter::block_bits(std::size_t block) {
  if (block == cached_block_) return cached_bits_;
  const std::size_t at = block * 64;
  const char* const p = text_.data() + at;
  std::uint64_t bits;
#if defined(__SSE2__)
  if (text_.size() - at >= 64) {
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i tab = _mm_set1_epi8('\t');
    std::uint64_t blanks = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i blank = _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab));
      blanks |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(blank))) << (16 * k);
    }
    bits = ~blanks;
  } else {
    bits = field_bits(p, text_.size() - at);
  }
#else
  bits = field_bits(p, std::min<std::size_t>(64, text_.size() - at));
#endif
  cached_block_ = block;
  cached_bits_ = bits;
  return bits;
}

// Fields start where a field byte follows a blank (or the line's start) and end where a blank
// follows a field byte (or the line ends), so each field costs two counts of trailing zeros
// whatever the padding around it. A field may run on from one 64-byte block into the next.
Fields FieldSplitter::operator()(std::string_view line) {
  Fields fields;
  if (line.empty()) return fields;
  const std::size_t first = static_cast<std::size_t>(line.data() - text_.data());
  const std::size_t last = first + line.size();  // one past the line
  std::size_t open = 0;   // where the field being read started (text offset)
  bool in_field = false;  // a field runs on from the previous block
  for (std::size_t block = first / 64; block * 64 < last; ++block) {
    const std::size_t at = block * 64;
    std::uint64_t f = block_bits(block);
    if (first > at) f &= ~std::uint64_t{0} << (first - at);                   // bytes before the line
    if (last - at < 64) f &= (std::uint64_t{1} << (last - at)) - 1;           // bytes after it
    const std::uint64_t after_field = (f << 1) | (in_field ? 1 : 0);  // bit i: byte i - 1 is a field byte
    std::uint64_t starts = f & ~after_field;
    std::uint64_t ends = ~f & after_field;
    if (last - at < 64) ends &= (std::uint64_t{1} << (last - at)) - 1;
    // Starts and ends alternate along the line, so take whichever the open state expects.
    for (;;) {
      if (!in_field) {
        if (starts == 0) break;
        open = at + static_cast<std::size_t>(std::countr_zero(starts));
        starts &= starts - 1;
        in_field = true;
      } else {
        if (ends == 0) break;
        const std::size_t end = at + static_cast<std::size_t>(std::countr_zero(ends));
        ends &= ends - 1;
        fields.push_back({text_.data() + open, end - open});
        in_field = false;
      }
    }
  }
  if (in_field) fields.push_back({text_.data() + open, last - open});
  return fields;
}

std::size_t count_lines(std::string_view text) {
  // One memchr per line: a line is tens of bytes, and memchr steps 32 at a time. A loop over
  // the bytes (std::count, or a sum GCC vectorizes with widening) cost 2 instructions a byte.
  std::size_t lines = 0;
  for (std::size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1)) ++lines;
  return lines;
}

}  // namespace ifmib::platform::procfs
