// Label values of arbitrary bytes (interface names, aliases) through add_sample() and the text
// writer: the written line must follow the exposition grammar, and its unescaped label values
// must be exactly printable_label_value() of the input. add_sample() escapes once, at render
// time, so a slip there would corrupt the output or merge two series.
#include <string>

#include "collector/exposition_text.h"
#include "collector/families.h"
#include "fuzz/fuzz_input.h"

namespace {

// Reads one quoted label value starting after `="` at `pos`; returns it unescaped and moves
// `pos` past the closing quote. Traps on anything the text format does not allow.
std::string read_quoted(const std::string& line, std::size_t& pos) {
  std::string value;
  for (;;) {
    if (pos >= line.size() || line[pos] == '\n') __builtin_trap();  // unterminated
    const char c = line[pos++];
    if (c == '"') return value;
    if (c != '\\') {
      value += c;
      continue;
    }
    if (pos >= line.size()) __builtin_trap();
    const char e = line[pos++];
    if (e == '\\') value += '\\';
    else if (e == '"') value += '"';
    else if (e == 'n') value += '\n';
    else __builtin_trap();  // an escape the format does not define
  }
}

void expect_label(const std::string& line, std::size_t& pos, std::string_view name, std::string_view raw) {
  const std::string prefix = std::string(name) + "=\"";
  if (line.compare(pos, prefix.size(), prefix) != 0) __builtin_trap();
  pos += prefix.size();
  if (read_quoted(line, pos) != ifmib::collector::printable_label_value(raw)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ifmib::collector;
  const auto [device, alias] = ifmib::fuzz::split_at_nul(data, size);
  Families families;
  families.push_back(make_family({"ifmib_fuzz", prometheus::MetricType::Gauge, "Fuzz."}));
  add_sample(families.back(), {{"device", device}, {"alias", alias}}, 1);
  add_sample(families.back(), {{"device", alias}}, 2);
  append_label(families, "netns", device);

  const std::string text = exposition_text(families);
  const std::string header = "# HELP ifmib_fuzz Fuzz.\n# TYPE ifmib_fuzz gauge\n";
  if (text.compare(0, header.size(), header) != 0) __builtin_trap();
  std::size_t pos = header.size();
  const auto expect = [&](std::string_view literal) {
    if (text.compare(pos, literal.size(), literal) != 0) __builtin_trap();
    pos += literal.size();
  };
  expect("ifmib_fuzz{");
  expect_label(text, pos, "device", device);
  expect(",");
  expect_label(text, pos, "alias", alias);
  expect(",");
  expect_label(text, pos, "netns", device);
  expect("} 1\nifmib_fuzz{");
  expect_label(text, pos, "device", alias);
  expect(",");
  expect_label(text, pos, "netns", device);
  expect("} 2\n");
  if (pos != text.size()) __builtin_trap();
  return 0;
}
