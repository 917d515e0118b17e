#pragma once
// A strict parser of the Prometheus text exposition format (0.0.4), for checking what the
// exporter serves: every line must parse, or the whole text is rejected.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace ifmib::test {

using LabelSet = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  LabelSet labels;
  double value = 0;
};

struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family -> counter|gauge|...
  std::map<std::string, std::string> help;

  /// Samples named `name` whose labels include every pair of `subset`.
  std::vector<Sample> find(const std::string& name, const LabelSet& subset = {}) const;
  /// The value of the one sample matching, or nullopt when there is none; throws when several match.
  std::optional<double> value(const std::string& name, const LabelSet& subset = {}) const;
  bool has(const std::string& name, const LabelSet& subset = {}) const { return !find(name, subset).empty(); }
};

/// Parses `text`; an Error names the first bad line. Duplicate series are an error too.
Result<Exposition> parse_exposition(const std::string& text);

}  // namespace ifmib::test

#include "collector/families.h"

namespace ifmib::test {
/// Families as the exporter serializes them (collector/exposition_text.h).
std::string serialize(const collector::Families& families);
/// serialize() then parse_exposition(); fails the running test if the text does not parse.
Exposition render(const collector::Families& families);
}  // namespace ifmib::test
