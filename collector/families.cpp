#include "collector/families.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace ifmib::collector {

prometheus::MetricFamily make_family(const MetricSpec& spec) {
  prometheus::MetricFamily family;
  family.name = std::string(spec.name);
  family.help = std::string(spec.help);
  family.type = spec.type;
  return family;
}

void add_sample(prometheus::MetricFamily& family, std::initializer_list<Label> labels, double value) {
  prometheus::ClientMetric metric;
  metric.label.reserve(labels.size());
  for (const auto& [name, raw] : labels) {
    metric.label.push_back({std::string(name), printable_label_value(raw)});
  }
  if (family.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else if (family.type == prometheus::MetricType::Gauge) {
    metric.gauge.value = value;
  } else {
    metric.untyped.value = value;
  }
  family.metric.push_back(std::move(metric));
}

void append_nonempty(Families& out, std::vector<prometheus::MetricFamily>&& families) {
  for (auto& family : families) {
    if (!family.metric.empty()) out.push_back(std::move(family));
  }
}

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid, per RFC 3629).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 3;
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}
}  // namespace

std::string printable_label_value(std::string_view raw) {
  // Nearly every value (device names, addresses, families) is ASCII, which is valid UTF-8 as it
  // is: copy it whole rather than byte by byte (bench/callgrind.sh).
  if (std::all_of(raw.begin(), raw.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::string(raw);
  }
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    const std::size_t n = utf8_sequence_length(raw, i);
    if (n == 0) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(raw[i]));
      out += hex;
      ++i;
    } else {
      out.append(raw.substr(i, n));
      i += n;
    }
  }
  return out;
}

const MetricSpec& spec_named(std::span<const MetricSpec> table, std::string_view name) {
  for (const auto& spec : table) {
    if (spec.name == name) return spec;
  }
  throw std::logic_error("no metric spec named " + std::string(name));
}

}  // namespace ifmib::collector
