#pragma once
// The series a scrape produces, and the helpers collectors build them with from their metric
// tables.
//
// Not prometheus::MetricFamily: its ClientMetric is ~250 bytes with two std::strings per label,
// allocated per series. At 1000 interfaces (35 000 series) that was half of the scrape's heap
// peak and a quarter of its instructions (bench/results/). Here a family renders every sample's
// labels once, already escaped for the text format, into one string; a sample is a slice of it
// and a value (16 bytes).

#include <prometheus/metric_type.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ifmib::collector {

/// One row of a collector's metric table: the name, type and help that the product promises.
/// The views point at static tables.
struct MetricSpec {
  std::string_view name;
  prometheus::MetricType type;
  std::string_view help;
};

/// A row of a metric table keyed by an enum `Id` (values 0 .. Count-1).
template <class Id>
struct MetricRow {
  Id id;
  MetricSpec spec;
};

/// The specs of `rows` placed at their ids, so that code names a metric by its id and the table
/// may list rows in any order. Compile-time only: a missing, doubled or out-of-range id does not
/// compile.
template <std::size_t Count, class Id, std::size_t N>
consteval std::array<MetricSpec, Count> metric_table(const MetricRow<Id> (&rows)[N]) {
  static_assert(N == Count, "one row per id");
  std::array<MetricSpec, Count> out{};
  for (const auto& row : rows) {
    MetricSpec& slot = out.at(static_cast<std::size_t>(row.id));
    if (!slot.name.empty()) throw "two rows for one id";
    slot = row.spec;
  }
  return out;
}

using Label = std::pair<std::string_view, std::string_view>;

/// A slice of Family::labels, or of Family::shared when `begin` has kSharedText set.
struct LabelSlice {
  static constexpr std::uint32_t kSharedText = 1u << 31;
  std::uint32_t begin = 0;
  std::uint32_t size = 0;
};

/// One sample: its labels are the slice `labels` of Family::labels, then, when `more` is not
/// empty, a comma and the slice `more`. The second slice lets many samples share label text
/// written once (add_shared_labels): the 19 flag series of an interface share its device label
/// and each flag's label, instead of copying both 19 000 times per scrape at 1000 interfaces.
struct Sample {
  LabelSlice labels;
  LabelSlice more;
  double value = 0;
};

/// A metric family of one scrape.
struct Family {
  MetricSpec spec;
  /// Every sample's label pairs in exposition syntax (`device="eth0",ifindex="2"`), back to back.
  std::string labels;
  std::vector<Sample> samples;
  /// Label text this family shares with others of its collector (SharedLabels), or null.
  std::shared_ptr<const std::string> shared;

  std::string_view slice(LabelSlice s) const {
    if ((s.begin & LabelSlice::kSharedText) != 0) {
      return std::string_view(*shared).substr(s.begin & ~LabelSlice::kSharedText, s.size);
    }
    return std::string_view(labels).substr(s.begin, s.size);
  }
  /// The label pairs of `s` (without braces) as three pieces to write one after the other: its
  /// own slice, a comma when both slices have text, the shared slice. Every writer of a
  /// sample's labels goes through it.
  std::array<std::string_view, 3> label_pieces(const Sample& s) const {
    const std::string_view own = slice(s.labels), more = slice(s.more);
    return {own, own.empty() || more.empty() ? std::string_view() : std::string_view(","), more};
  }
  /// Appends the label pairs of `s` (without braces) to `out`.
  void append_labels_of(std::string& out, const Sample& s) const {
    for (const std::string_view piece : label_pieces(s)) out += piece;
  }
  bool has_labels(const Sample& s) const { return s.labels.size != 0 || s.more.size != 0; }
  /// At least as many characters as append_labels_of writes for `s` (the comma counted always).
  static std::size_t labels_size_bound(const Sample& s) { return s.labels.size + s.more.size + 1; }
};

using Families = std::vector<Family>;

/// An empty family for `spec`.
Family make_family(const MetricSpec& spec);

/// Label pairs rendered once for the samples of many families: the text add_sample would write.
/// The interface MIB puts `device="..."` on some 40 series per interface; rendering and checking
/// it once per interface instead of once per series took a tenth off a scrape's instructions.
class RenderedLabels {
 public:
  explicit RenderedLabels(std::initializer_list<Label> labels);
  std::string_view text() const { return text_; }

 private:
  std::string text_;
};

/// Label text for the samples of many families: each interface's `device="..."` rendered once
/// into one string that every family of the collector refers to, instead of copied into each
/// family's own text (the interface MIB's 27 families held 27 copies, which were written,
/// compared with the last scrape's and kept for the next). Lives as long as a family using it.
class SharedLabels {
 public:
  SharedLabels() {
    auto text = std::make_shared<std::string>();
    growing_ = text.get();
    text_ = std::move(text);
  }
  /// The text an earlier SharedLabels rendered (its text()), for families to refer to again as
  /// it is: a scrape whose labels are those of the last one renders none of them, and its
  /// families' shared text is the very object the last scrape's were compared by (same_text).
  /// Nothing more can be added to it (add() is a logic_error).
  explicit SharedLabels(std::shared_ptr<const std::string> rendered) : text_(std::move(rendered)) {}
  /// Renders `labels` (as RenderedLabels does) after the text so far: the slice for add_sample.
  LabelSlice add(std::initializer_list<Label> labels);
  void reserve(std::size_t bytes) {
    if (growing_ != nullptr) growing_->reserve(bytes);
  }
  const std::shared_ptr<const std::string>& text() const { return text_; }

 private:
  std::shared_ptr<const std::string> text_;
  std::string* growing_ = nullptr;  // text_, while it is being rendered; null for earlier text
};

/// Makes `family` refer to `shared`'s text, so that its samples may use slices of it (one
/// SharedLabels per family: a second one is a logic_error).
void use_shared_labels(Family& family, const SharedLabels& shared);
/// Appends one sample whose labels are `labels`, a slice SharedLabels::add returned, then `more`
/// when given (rendered into the family's own text).
void add_sample(Family& family, const SharedLabels& shared, LabelSlice labels, double value);
void add_sample(Family& family, const SharedLabels& shared, LabelSlice labels, std::initializer_list<Label> more,
                double value);

/// Room for `samples` more samples and `label_bytes` more label text: a family built sample by
/// sample then does not regrow (and copy) its vector and string a dozen times. A hint only.
void reserve(Family& family, std::size_t samples, std::size_t label_bytes);
/// About the label text `device="<name>",` takes (unescaped), for reserve().
constexpr std::size_t device_label_size(std::string_view name) {
  return name.size() + std::string_view("device=\"\",").size();
}

/// Appends one sample. Label values are made valid UTF-8 (interface names are arbitrary bytes)
/// and escaped for the text format.
void add_sample(Family& family, std::initializer_list<Label> labels, double value);
/// The same with labels rendered before.
void add_sample(Family& family, const RenderedLabels& labels, double value);
/// `labels`, then `more`.
void add_sample(Family& family, const RenderedLabels& labels, std::initializer_list<Label> more, double value);

/// Appends `labels` to the family's label text once, for add_sample(Family&, LabelSlice,
/// LabelSlice, double) to refer to from many samples.
LabelSlice add_shared_labels(Family& family, const RenderedLabels& labels);
/// Appends one sample whose labels are `labels`, then `more`: slices add_shared_labels returned
/// for this family. No label text is copied.
void add_sample(Family& family, LabelSlice labels, LabelSlice more, double value);

/// Appends one sample per element of `more`: labels `labels`, then more[k], value 1 where bit k
/// of `set` is (k < 64), else 0. An interface's flag series in one call: 19 calls of the one
/// above per interface were a twentieth of a collect[]=ifmib scrape's instructions.
void add_bit_samples(Family& family, LabelSlice labels, std::span<const LabelSlice> more, std::uint64_t set);

/// Adds the label `name="value"` after the existing labels of every sample of every family.
void append_label(Families& families, std::string_view name, std::string_view value);

/// Appends the samples of `more` (a family of the same name) to `into`.
void append_samples(Family& into, Family&& more);

/// Moves every family with at least one sample to `out`: a family nobody has data for is omitted.
void append_nonempty(Families& out, Families&& families);

/// Valid UTF-8 is returned unchanged; each byte that is not part of a valid UTF-8 sequence
/// becomes the four characters \xHH, so distinct names stay distinct and the output stays valid.
std::string printable_label_value(std::string_view raw);

}  // namespace ifmib::collector
