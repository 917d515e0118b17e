#pragma once
// The small pieces every /proc text parser needs: the blank-separated fields of a line, unsigned
// decimal fields and a line count. The /proc/net multicast files are some 760 KB of mostly
// padding at 1000 interfaces ("%-15s" names, "%-5d" counts), read on every full scrape, so these
// run over every byte of them: a byte-at-a-time split, std::count and std::from_chars were
// a visible share of parsing them (callgrind, bench/callgrind.sh).

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

namespace ifmib::platform::procfs {

/// The fields of one line: maximal runs of bytes other than ' ' and '\t'. No /proc file these
/// parsers read has more than 6 per line; a line with more keeps counting (size() stays right
/// for the callers' checks) but stores the first kStored only. Fixed storage, no allocation.
class Fields {
 public:
  static constexpr std::size_t kStored = 8;
  void push_back(std::string_view field) {
    if (count_ < kStored) {
      data_[count_] = field.data();
      size_[count_] = field.size();
    }
    ++count_;
  }
  std::size_t size() const { return count_; }
  /// Fields past kStored (or past size()) are empty.
  std::string_view operator[](std::size_t i) const {
    return i < count_ && i < kStored ? std::string_view(data_[i], size_[i]) : std::string_view();
  }

 private:
  // Left uninitialised: only the first count_ are read. Zeroing them (a std::array of
  // string_view) was a quarter of the split's time (perf: rep stos on every line).
  const char* data_[kStored];
  std::size_t size_[kStored];
  std::size_t count_ = 0;
};

/// The bytes that separate fields: what FieldSplitter splits on, and so what no field holds.
constexpr bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// Splits the lines of one text into fields: maximal runs of bytes other than ' ' and '\t'.
/// Every other byte, '\n' and control bytes included, belongs to a field: a device name may
/// hold any byte but whitespace, '/' and ':' (dev_valid_name() in net/core/dev.c), and must
/// stay one field. The text is classified 64 bytes at a time (16 per instruction where SSE2
/// exists, else 8 per word), once: lines taken in order share the 64-byte block they meet in.
class FieldSplitter {
 public:
  explicit FieldSplitter(std::string_view text) : text_(text) {}
  /// The fields of `line`, which must be a view into the text (any part of it, in any order;
  /// in order is fastest).
  Fields operator()(std::string_view line);

 private:
  std::uint64_t block_bits(std::size_t block);  // bit i: byte 64 * block + i is a field byte

  std::string_view text_;
  std::size_t cached_block_ = static_cast<std::size_t>(-1);
  std::uint64_t cached_bits_ = 0;
};

/// The fields of one line on its own (FieldSplitter over just that line).
inline Fields split_fields(std::string_view line) { return FieldSplitter(line)(line); }

/// The number of '\n' in `text`.
std::size_t count_lines(std::string_view text);

/// An unsigned decimal number that is the whole of `field`: digits only (no sign, no blank),
/// at least one, and a value that fits T; else nullopt.
template <class T>
constexpr std::optional<T> parse_decimal(std::string_view field) {
  static_assert(std::is_unsigned_v<T>);
  if (field.empty()) return std::nullopt;
  T value = 0;
  // Up to digits10 digits cannot overflow T, so the common short field needs no check per digit.
  const bool may_overflow = field.size() > static_cast<std::size_t>(std::numeric_limits<T>::digits10);
  for (const char c : field) {
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
    if (digit > 9) return std::nullopt;
    if (may_overflow && value > (std::numeric_limits<T>::max() - digit) / 10) return std::nullopt;
    value = static_cast<T>(value * 10 + digit);
  }
  return value;
}

}  // namespace ifmib::platform::procfs
