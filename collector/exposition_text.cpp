#include "collector/exposition_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace ifmib::collector {

namespace {

// Most values are counts. An integer below 10^15 whose last three digits are not all zero
// prints the same in fixed notation as the shortest round-trip form std::to_chars(double) picks
// (its scientific form would be at least three characters longer), and integer formatting is
// several times cheaper (54 000 values per scrape at 1000 interfaces). Every other value,
// including 0 with its sign, goes through the double form.
bool append_plain_integer(std::string& out, double value) {
  if (!(value > 0 && value < 1e15)) return false;
  const auto integer = static_cast<std::uint64_t>(value);
  if (static_cast<double>(integer) != value || integer % 1000 == 0) return false;
  char buf[20];
  const auto result = std::to_chars(buf, buf + sizeof buf, integer);
  out.append(buf, result.ptr);
  return true;
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == 0 && !std::signbit(value)) {
    out += '0';
  } else if (!append_plain_integer(out, value)) {
    char buf[32];
    // Shortest form that reads back to the same double.
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, result.ptr);
  }
}

// A Family holds plain values only, so it is a counter, a gauge or untyped.
const char* type_name(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return "counter";
    case prometheus::MetricType::Gauge: return "gauge";
    default: return "untyped";
  }
}

}  // namespace

void append_exposition_text(std::string& out, const Families& families) {
  for (const auto& family : families) {
    if (family.samples.empty()) continue;
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
    for (const auto& sample : family.samples) {
      out += name;
      if (family.has_labels(sample)) {
        out += '{';
        family.append_labels_of(out, sample);  // rendered and escaped by add_sample
        out += '}';
      }
      out += ' ';
      append_value(out, sample.value);
      out += '\n';
    }
  }
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
  // Reserve what the text will about take, so that a multi-megabyte scrape is not copied on
  // every doubling of the string (perf: 3.7% of a 1000-interface scrape was that memmove).
  std::size_t estimate = 0;
  for (const auto& family : families) {
    estimate += 2 * family.spec.name.size() + family.spec.help.size() + 32;
    estimate += family.samples.size() * (family.spec.name.size() + 30);  // braces, value
    // Label text shared by many samples (add_shared_labels) is written once per sample.
    for (const auto& sample : family.samples) estimate += Family::labels_size_bound(sample);
  }
  std::string out;
  out.reserve(estimate);
  append_exposition_text(out, families);
  return out;
}

}  // namespace ifmib::collector
