#include "collector/families.h"

#include "collector/exposition_text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace ifmib::collector {

Family make_family(const MetricSpec& spec) { return Family{spec, {}, {}, nullptr}; }

void reserve(Family& family, std::size_t samples, std::size_t label_bytes) {
  family.samples.reserve(family.samples.size() + samples);
  family.labels.reserve(family.labels.size() + label_bytes);
}

namespace {

// Appends `raw` as a label value of the text format: made printable UTF-8, then backslash,
// double quote and newline escaped.
// Nearly every value (device names, addresses, families) is plain ASCII with nothing to escape,
// and is then appended whole rather than byte by byte (bench/callgrind.sh).
bool is_plain_label_value(std::string_view raw) {
  return std::all_of(raw.begin(), raw.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && c != '\\' && c != '"' && c != '\n';
  });
}

void append_label_value(std::string& out, std::string_view raw) {
  if (is_plain_label_value(raw)) {
    out.append(raw);
    return;
  }
  append_escaped(out, printable_label_value(raw), true);
}

void append_pair(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out += "=\"";
  append_label_value(out, value);
  out += '"';
}

// `name="value"` for a value known to need no escaping: one growth of `out` and three copies
// instead of four appends (the device label of every interface, the info labels).
void append_plain_pair(std::string& out, std::string_view name, std::string_view value) {
  const std::size_t at = out.size();
  out.resize(at + name.size() + value.size() + 3);
  // std::copy_n, not memcpy: an empty view may have a null data(), which memcpy must not get
  // even for 0 bytes (fuzz/exposition_label_fuzz found it).
  char* p = std::copy_n(name.data(), name.size(), out.data() + at);
  *p++ = '=';
  *p++ = '"';
  p = std::copy_n(value.data(), value.size(), p);
  *p = '"';
}

// Below LabelSlice::kSharedText, which marks a slice of the shared text.
std::uint32_t checked_offset(std::size_t n) {
  if (n >= LabelSlice::kSharedText) throw std::length_error("label text of one family reaches 2 GiB");
  return static_cast<std::uint32_t>(n);
}

// Appends `labels` to `out`, each after a comma unless `out` was empty at `begin`.
void append_pairs(std::string& out, std::size_t begin, std::initializer_list<Label> labels) {
  for (const auto& [name, raw] : labels) {
    if (out.size() != begin) out += ',';
    if (is_plain_label_value(raw)) append_plain_pair(out, name, raw);
    else append_pair(out, name, raw);
  }
}

void push_sample(Family& family, std::size_t begin, double value) {
  family.samples.push_back({{checked_offset(begin), checked_offset(family.labels.size() - begin)}, {}, value});
}

}  // namespace

RenderedLabels::RenderedLabels(std::initializer_list<Label> labels) { append_pairs(text_, 0, labels); }

LabelSlice SharedLabels::add(std::initializer_list<Label> labels) {
  if (growing_ == nullptr) throw std::logic_error("label text rendered in an earlier scrape is not added to");
  const std::size_t begin = growing_->size();
  append_pairs(*growing_, begin, labels);
  return {checked_offset(begin) | LabelSlice::kSharedText, checked_offset(growing_->size() - begin)};
}

void use_shared_labels(Family& family, const SharedLabels& shared) {
  if (family.shared == shared.text()) return;
  if (family.shared) throw std::logic_error("a family refers to one SharedLabels only");
  family.shared = shared.text();
}

void add_sample(Family& family, const SharedLabels& shared, LabelSlice labels, double value) {
  use_shared_labels(family, shared);
  family.samples.push_back({labels, {}, value});
}

void add_sample(Family& family, const SharedLabels& shared, LabelSlice labels, std::initializer_list<Label> more,
                double value) {
  use_shared_labels(family, shared);
  const std::size_t begin = family.labels.size();
  append_pairs(family.labels, begin, more);
  family.samples.push_back({labels, {checked_offset(begin), checked_offset(family.labels.size() - begin)}, value});
}

void add_sample(Family& family, std::initializer_list<Label> labels, double value) {
  const std::size_t begin = family.labels.size();
  append_pairs(family.labels, begin, labels);
  push_sample(family, begin, value);
}

void add_sample(Family& family, const RenderedLabels& labels, double value) {
  const std::size_t begin = family.labels.size();
  family.labels += labels.text();
  push_sample(family, begin, value);
}

void add_sample(Family& family, const RenderedLabels& labels, std::initializer_list<Label> more, double value) {
  const std::size_t begin = family.labels.size();
  family.labels += labels.text();
  append_pairs(family.labels, begin, more);
  push_sample(family, begin, value);
}

LabelSlice add_shared_labels(Family& family, const RenderedLabels& labels) {
  const std::size_t begin = family.labels.size();
  family.labels += labels.text();
  return {checked_offset(begin), checked_offset(labels.text().size())};
}

void add_sample(Family& family, LabelSlice labels, LabelSlice more, double value) {
  family.samples.push_back({labels, more, value});
}

void add_bit_samples(Family& family, LabelSlice labels, std::span<const LabelSlice> more, std::uint64_t set) {
  const std::size_t first = family.samples.size();
  family.samples.resize(first + more.size());
  Sample* out = family.samples.data() + first;
  for (std::size_t k = 0; k < more.size(); ++k) {
    out[k] = {labels, more[k], k < 64 && (set >> k & 1) != 0 ? 1.0 : 0.0};
  }
}

namespace {

// Rewrites the family's label text so that each sample has one slice of its own text holding
// all its labels, then `pair` (when not empty); the family then refers to no shared text.
void own_labels(Family& family, std::string_view pair) {
  // Sized from what the samples write, not from family.labels: shared slices (add_shared_labels,
  // SharedLabels) are written once per sample.
  std::size_t size = 0;
  for (const auto& sample : family.samples) size += Family::labels_size_bound(sample) + 1 + pair.size();
  std::string labels;
  labels.reserve(size);
  for (auto& sample : family.samples) {
    const std::size_t begin = labels.size();
    family.append_labels_of(labels, sample);
    if (!pair.empty()) {
      if (labels.size() != begin) labels += ',';
      labels += pair;
    }
    sample.labels = {checked_offset(begin), checked_offset(labels.size() - begin)};
    sample.more = {};
  }
  family.labels = std::move(labels);
  family.shared.reset();
}

}  // namespace

void append_label(Families& families, std::string_view name, std::string_view value) {
  std::string pair;
  append_pair(pair, name, value);
  for (auto& family : families) own_labels(family, pair);
}

void append_samples(Family& into, Family&& more) {
  // A slice of shared text would not stay valid in `into`: both families' own text first.
  if (into.shared) own_labels(into, {});
  if (more.shared) own_labels(more, {});
  const std::size_t offset = into.labels.size();
  into.labels += more.labels;
  into.samples.reserve(into.samples.size() + more.samples.size());
  for (const auto& sample : more.samples) {
    const auto moved = [&](LabelSlice slice) { return LabelSlice{checked_offset(offset + slice.begin), slice.size}; };
    into.samples.push_back({moved(sample.labels), moved(sample.more), sample.value});
  }
}

void append_nonempty(Families& out, Families&& families) {
  for (auto& family : families) {
    if (!family.samples.empty()) out.push_back(std::move(family));
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

}  // namespace ifmib::collector
