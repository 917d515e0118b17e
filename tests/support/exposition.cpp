#include "tests/support/exposition.h"

#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ifmib::test {

namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

Error bad(std::size_t line_no, const std::string& why, const std::string& line) {
  return Error::invalid("exposition line " + std::to_string(line_no), why + ": " + line);
}

std::optional<double> parse_value(const std::string& text) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != text.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<Sample> Exposition::find(const std::string& name, const LabelSet& subset) const {
  std::vector<Sample> out;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : subset) {
      const auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) match = false;
    }
    if (match) out.push_back(s);
  }
  return out;
}

std::optional<double> Exposition::value(const std::string& name, const LabelSet& subset) const {
  const auto found = find(name, subset);
  if (found.empty()) return std::nullopt;
  if (found.size() > 1) throw std::runtime_error("several samples match " + name);
  return found.front().value;
}

Result<Exposition> parse_exposition(const std::string& text) {
  Exposition out;
  std::set<std::pair<std::string, LabelSet>> seen;
  std::istringstream in(text);
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, kind, name, rest;
      words >> hash >> kind >> name;
      std::getline(words, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      if (kind == "TYPE") out.types[name] = rest;
      if (kind == "HELP") out.help[name] = rest;
      continue;
    }
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && name_char(line[i], i == 0)) ++i;
    if (i == 0) return bad(line_no, "no metric name", line);
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const std::size_t start = i;
        while (i < line.size() && name_char(line[i], i == start)) ++i;
        const std::string label = line.substr(start, i - start);
        if (label.empty() || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
          return bad(line_no, "bad label", line);
        }
        i += 2;
        std::string value;
        bool closed = false;
        while (i < line.size()) {
          const char c = line[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (i >= line.size()) return bad(line_no, "dangling escape", line);
            const char e = line[i++];
            if (e == 'n') value += '\n';
            else if (e == '\\' || e == '"') value += e;
            else return bad(line_no, "bad escape", line);
          } else {
            value += c;
          }
        }
        if (!closed) return bad(line_no, "unterminated label value", line);
        if (s.labels.count(label)) return bad(line_no, "repeated label", line);
        s.labels[label] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return bad(line_no, "unterminated label set", line);
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') return bad(line_no, "no value", line);
    std::string value_text = line.substr(i + 1);
    if (const auto sp = value_text.find(' '); sp != std::string::npos) value_text.resize(sp);  // timestamp
    const auto v = parse_value(value_text);
    if (!v) return bad(line_no, "bad value", line);
    s.value = *v;
    if (!seen.insert({s.name, s.labels}).second) return bad(line_no, "duplicate series", line);
    out.samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace ifmib::test

#include <doctest/doctest.h>
#include "collector/exposition_text.h"

namespace ifmib::test {

std::string serialize(const collector::Families& families) { return collector::exposition_text(families); }

Exposition render(const collector::Families& families) {
  const std::string text = serialize(families);
  auto parsed = parse_exposition(text);
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().text()));
  return *parsed;
}

}  // namespace ifmib::test
