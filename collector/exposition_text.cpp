#include "collector/exposition_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace ifmib::collector {

namespace {

// std::copy_n, not memcpy: an empty view may have a null data() (a label piece left empty),
// which memcpy must not get even for 0 bytes.
char* copy(char* p, std::string_view text) { return std::copy_n(text.data(), text.size(), p); }

// The most characters write_value writes: std::to_chars' shortest round-trip form of a double
// is at most 24 ("-2.2250738585072014e-308").
constexpr std::size_t kValueSizeBound = 32;

// Most values are counts. An integer below 10^15 whose last three digits are not all zero
// prints the same in fixed notation as the shortest round-trip form std::to_chars(double) picks
// (its scientific form would be at least three characters longer), and integer formatting is
// several times cheaper (54 000 values per scrape at 1000 interfaces). Every other value,
// including 0 with its sign, goes through the double form. Writes at most kValueSizeBound
// characters at `p` and returns the end.
char* write_value(char* p, double value) {
  if (std::isnan(value)) return copy(p, "NaN");
  if (std::isinf(value)) return copy(p, value > 0 ? "+Inf" : "-Inf");
  if (value == 0 && !std::signbit(value)) {
    *p = '0';
    return p + 1;
  }
  if (value > 0 && value < 1e15) {
    const auto integer = static_cast<std::uint64_t>(value);
    if (static_cast<double>(integer) == value && integer % 1000 != 0) {
      return std::to_chars(p, p + kValueSizeBound, integer).ptr;
    }
  }
  return std::to_chars(p, p + kValueSizeBound, value).ptr;  // shortest form that reads back the same
}

// A Family holds plain values only, so it is a counter, a gauge or untyped.
std::string_view type_name(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return "counter";
    case prometheus::MetricType::Gauge: return "gauge";
    default: return "untyped";
  }
}

// The most characters write_samples writes for `family`: per sample its name, braces, labels
// (labels_size_bound), a blank, a value and a newline.
std::size_t samples_size_bound(const Family& family) {
  std::size_t bound = 0;
  for (const auto& sample : family.samples) {
    bound += family.spec.name.size() + 2 + Family::labels_size_bound(sample) + 1 + kValueSizeBound + 1;
  }
  return bound;
}

// Writes the sample lines of `family` at `p`, at most samples_size_bound(family) characters,
// and returns the end. Into a buffer sized once per family rather than through
// std::string::append per piece: the capacity check and length update of some ten appends per
// sample were most of the writer's instructions (bench/callgrind.sh).
char* write_samples(char* p, const Family& family) {
  const std::string_view name = family.spec.name;
  for (const auto& sample : family.samples) {
    p = copy(p, name);
    if (family.has_labels(sample)) {
      *p++ = '{';
      // Escaped by add_sample. Empty pieces skipped: a memcpy call each was 1.6 M instructions
      // per 1000-interface scrape (bench/callgrind.sh).
      for (const std::string_view piece : family.label_pieces(sample)) {
        if (!piece.empty()) p = copy(p, piece);
      }
      *p++ = '}';
    }
    *p++ = ' ';
    p = write_value(p, sample.value);
    *p++ = '\n';
  }
  return p;
}

// HELP and TYPE of a family, 40 + 2 * help characters at most.
void append_header(std::string& out, const Family& family) {
  const std::string_view name = family.spec.name;
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, family.spec.help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type_name(family.spec.type);
  out += '\n';
}

std::size_t header_size_bound(const Family& family) { return 2 * family.spec.name.size() + 2 * family.spec.help.size() + 40; }

}  // namespace

std::size_t family_text_size_bound(const Family& family) {
  return family.samples.empty() ? 0 : header_size_bound(family) + samples_size_bound(family);
}

namespace {

// append_family_text with the samples' bound computed already.
void append_family_text(std::string& out, const Family& family, std::size_t samples_bound) {
  append_header(out, family);
  const std::size_t at = out.size();
  out.resize(at + samples_bound);
  char* const begin = out.data();
  const auto end = static_cast<std::size_t>(write_samples(begin + at, family) - begin);
  // Past the bound is past the buffer: a bug here, never an input that can be served.
  if (end > at + samples_bound) std::abort();
  out.resize(end);
}

}  // namespace

void append_family_text(std::string& out, const Family& family) {
  if (family.samples.empty()) return;
  append_family_text(out, family, samples_size_bound(family));
}

void append_exposition_text(std::string& out, const Families& families) {
  // Reserved once for the whole text, so that a multi-megabyte scrape is not copied on every
  // doubling of the string (perf: 3.7% of a 1000-interface scrape was that memmove). The bound
  // is 36 characters per sample beside its labels, a little more than a sample takes.
  std::vector<std::size_t> bounds(families.size());
  std::size_t total = out.size();
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (families[i].samples.empty()) continue;
    bounds[i] = samples_size_bound(families[i]);
    total += header_size_bound(families[i]) + bounds[i];
  }
  out.reserve(total);
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (!families[i].samples.empty()) append_family_text(out, families[i], bounds[i]);
  }
}

bool same_text(const Family& a, const Family& b) {
  static_assert(sizeof(Sample) == 2 * sizeof(LabelSlice) + sizeof(double), "Sample has no padding to compare");
  // The text is made of these alone. Values compare bit for bit: 0 and -0 print differently;
  // a NaN equals itself.
  // Samples first: they are the smaller part and the one that changes (a counter's value).
  // Equal slices and equal texts, own and shared, make equal text.
  return a.spec.name == b.spec.name && a.spec.type == b.spec.type && a.spec.help == b.spec.help &&
         a.samples.size() == b.samples.size() &&
         (a.samples.empty() || std::memcmp(a.samples.data(), b.samples.data(), a.samples.size() * sizeof(Sample)) == 0) &&
         a.labels == b.labels && (a.shared == b.shared || (a.shared && b.shared && *a.shared == *b.shared));
}

void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
}

std::string exposition_text(const Families& families) {
  std::string out;
  append_exposition_text(out, families);
  return out;
}

}  // namespace ifmib::collector
