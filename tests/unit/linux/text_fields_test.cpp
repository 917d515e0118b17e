// The /proc text pieces against plain references: a byte-at-a-time split, std::from_chars and
// std::count, on lines that put every byte value at every position of an eight-byte word.
#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "platform/linux/text_fields.h"

namespace procfs = ifmib::platform::procfs;

namespace {

std::vector<std::string_view> reference_split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

void check_split(const std::string& line) {
  const auto want = reference_split(line);
  const auto got = procfs::split_fields(line);
  INFO("line of ", line.size(), " bytes");
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < std::min(want.size(), procfs::Fields::kStored); ++k) {
    CHECK(got[k].data() == want[k].data());  // a view of the line itself, not a copy
    CHECK(got[k].size() == want[k].size());
  }
}

template <class T>
std::optional<T> reference_decimal(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

TEST_CASE("split_fields: every byte value at every offset splits as a byte-at-a-time reference does") {
  for (int value = 0; value < 256; ++value) {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string line(20, 'x');
      line[5] = ' ';
      line[13] = '\t';
      line[at] = static_cast<char>(value);
      check_split(line);
      std::string blanks(20, ' ');
      blanks[at] = static_cast<char>(value);
      check_split(blanks);
    }
  }
}

TEST_CASE("split_fields: random lines of padding and fields, far longer than a word") {
  std::mt19937 rng(20261201);
  const std::string alphabet = std::string(12, ' ') + "\t\t\n\x01\x7f\x80\xff\"\\:/0123456789abcdefABCDEF";
  for (int n = 0; n < 20000; ++n) {
    std::string line(rng() % 200, '\0');
    for (auto& c : line) c = rng() % 8 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    check_split(line);
  }
}

TEST_CASE("split_fields: counts fields past the stored ones and leaves those empty") {
  const auto f = procfs::split_fields("  1 2 3 4 5 6 7 8 9 10 11\t");
  CHECK(f.size() == 11);
  CHECK(f[7] == "8");
  CHECK(f[8].empty());
  CHECK(procfs::split_fields("").size() == 0);
  CHECK(procfs::split_fields(" \t \t        ").size() == 0);
}

TEST_CASE("parse_decimal: agrees with std::from_chars at the limits and on random text") {
  CHECK(procfs::parse_decimal<std::uint32_t>("4294967295") == 4294967295U);
  CHECK_FALSE(procfs::parse_decimal<std::uint32_t>("4294967296"));
  CHECK_FALSE(procfs::parse_decimal<std::uint32_t>("42949672950"));
  CHECK(procfs::parse_decimal<std::uint64_t>("18446744073709551615") == 18446744073709551615ULL);
  CHECK_FALSE(procfs::parse_decimal<std::uint64_t>("18446744073709551616"));
  CHECK_FALSE(procfs::parse_decimal<std::uint64_t>("99999999999999999999"));
  CHECK(procfs::parse_decimal<std::uint32_t>("0000000000000000000042") == 42U);
  for (const char* bad : {"", "+1", "-1", " 1", "1 ", "1a", "0x10", "\xd9\xa1"}) {
    CHECK_FALSE(procfs::parse_decimal<std::uint32_t>(bad));
  }
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789012345678901234567890123456789+- x";
  for (int n = 0; n < 50000; ++n) {
    std::string s(rng() % 24, '0');
    for (auto& c : s) c = alphabet[rng() % alphabet.size()];
    INFO("text \"", s, "\"");
    CHECK(procfs::parse_decimal<std::uint32_t>(s) == reference_decimal<std::uint32_t>(s));
    CHECK(procfs::parse_decimal<std::uint64_t>(s) == reference_decimal<std::uint64_t>(s));
    CHECK(procfs::parse_decimal<std::uint8_t>(s) == reference_decimal<std::uint8_t>(s));
  }
}

TEST_CASE("count_lines: counts every newline, as std::count does") {
  std::mt19937 rng(11);
  for (int n = 0; n < 200; ++n) {
    std::string text(rng() % 5000, 'a');
    for (auto& c : text) c = rng() % 5 == 0 ? '\n' : static_cast<char>(rng() % 256);
    CHECK(procfs::count_lines(text) == static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  }
  CHECK(procfs::count_lines("") == 0);
}

TEST_CASE("split_fields: fields and blank runs across the 64-byte pieces the mask is built in") {
  for (std::size_t blank_at = 0; blank_at < 200; ++blank_at) {
    std::string line(200, 'x');
    line[blank_at] = ' ';
    check_split(line);                    // one blank: two fields, one of them long
    check_split(line.substr(0, blank_at + 1));  // a line ending in a blank at every length
    std::string spaced(200, ' ');
    spaced[blank_at] = 'y';
    check_split(spaced);                  // one byte of field anywhere in 200 of padding
  }
}

TEST_CASE("FieldSplitter: the lines of one text, in order, split as each line alone does") {
  std::mt19937 rng(3);
  const std::string alphabet = std::string(20, ' ') + "\t\t\x01\x80\xff:/0123456789abcdef";
  for (int n = 0; n < 300; ++n) {
    std::string text;
    const int lines = static_cast<int>(rng() % 40);
    for (int l = 0; l < lines; ++l) {
      std::string line(rng() % 150, '\0');
      for (auto& c : line) c = alphabet[rng() % alphabet.size()];
      text += line + '\n';
    }
    procfs::FieldSplitter split(text);
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      const std::string_view line = std::string_view(text).substr(start, end - start);
      const auto want = reference_split(line);
      const auto got = split(line);
      REQUIRE(got.size() == want.size());
      for (std::size_t k = 0; k < std::min(want.size(), procfs::Fields::kStored); ++k) CHECK(got[k] == want[k]);
      CHECK(got[0].data() == (want.empty() ? nullptr : want[0].data()));
      start = end + 1;
    }
  }
}
