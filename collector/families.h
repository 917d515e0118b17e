#pragma once
// Small helpers that build prometheus::MetricFamily values from a collector's metric table.

#include <prometheus/metric_family.h>

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ifmib::collector {

using Families = std::vector<prometheus::MetricFamily>;

/// One row of a collector's metric table: the name, type and help that the product promises.
struct MetricSpec {
  std::string_view name;
  prometheus::MetricType type;
  std::string_view help;
};

using Label = std::pair<std::string_view, std::string_view>;

/// An empty family for `spec`.
prometheus::MetricFamily make_family(const MetricSpec& spec);

/// Appends one sample; the value goes to the counter or gauge field according to the family type.
/// Label values are made valid UTF-8 first (interface names are arbitrary bytes).
void add_sample(prometheus::MetricFamily& family, std::initializer_list<Label> labels, double value);

/// Moves every family with at least one sample to `out`: a family nobody has data for is omitted.
void append_nonempty(Families& out, std::vector<prometheus::MetricFamily>&& families);

/// Valid UTF-8 is returned unchanged; each byte that is not part of a valid UTF-8 sequence
/// becomes the four characters \xHH, so distinct names stay distinct and the output stays valid.
std::string printable_label_value(std::string_view raw);

/// The spec named `name` in `table`; the table is a programmer's constant, so a miss is a bug.
const MetricSpec& spec_named(std::span<const MetricSpec> table, std::string_view name);

}  // namespace ifmib::collector
