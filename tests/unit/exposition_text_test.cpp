#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/text_serializer.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

#include "collector/exposition_text.h"
#include "tests/support/exposition.h"

using namespace ifmib;

namespace {

// The same samples as our Families and as prometheus-cpp's MetricFamily, so that its
// TextSerializer is an independent oracle for our writer.
struct Row {
  std::vector<std::pair<std::string, std::string>> labels;
  double value;
};
struct Table {
  collector::MetricSpec spec;
  std::vector<Row> rows;
};

std::vector<Table> sample_tables() {
  using prometheus::MetricType;
  const double inf = std::numeric_limits<double>::infinity();
  return {
      {{"ifmib_x_total", MetricType::Counter, "Plain help."},
       {{{{"device", "v\"q\\x"}, {"group", "line\nbreak"}}, 18446744073709551615.0},
        {{{"device", "b\xC3\xA9"}}, 0},
        {{{"device", "big"}}, 4294967303.0},
        {{{"device", "frac"}}, 1700000000.25}}},
      {{"ifmib_y", MetricType::Gauge, "Plain."},
       {{{}, inf}, {{{"a", "1"}}, -inf}, {{{"a", "2"}}, std::nan("")}, {{{"a", "3"}}, 1.25e9}, {{{"a", "4"}}, 1e-7}}},
      {{"ifmib_empty", MetricType::Gauge, "No samples: omitted."}, {}},
  };
}

collector::Families ours_of(const std::vector<Table>& tables) {
  collector::Families out;
  for (const auto& table : tables) {
    auto family = collector::make_family(table.spec);
    for (const auto& row : table.rows) {
      // add_sample takes an initializer list; rows here have at most two labels.
      const auto& l = row.labels;
      if (l.empty()) collector::add_sample(family, {}, row.value);
      else if (l.size() == 1) collector::add_sample(family, {{l[0].first, l[0].second}}, row.value);
      else collector::add_sample(family, {{l[0].first, l[0].second}, {l[1].first, l[1].second}}, row.value);
    }
    out.push_back(std::move(family));
  }
  return out;
}

std::vector<prometheus::MetricFamily> prometheus_cpp_of(const std::vector<Table>& tables) {
  std::vector<prometheus::MetricFamily> out;
  for (const auto& table : tables) {
    prometheus::MetricFamily family;
    family.name = std::string(table.spec.name);
    family.help = std::string(table.spec.help);
    family.type = table.spec.type;
    for (const auto& row : table.rows) {
      prometheus::ClientMetric metric;
      for (const auto& [name, value] : row.labels) metric.label.push_back({name, value});
      if (family.type == prometheus::MetricType::Counter) metric.counter.value = row.value;
      else metric.gauge.value = row.value;
      family.metric.push_back(std::move(metric));
    }
    out.push_back(std::move(family));
  }
  return out;
}

}  // namespace

TEST_CASE("exposition text: the same samples, help and types as prometheus-cpp's TextSerializer") {
  const auto tables = sample_tables();
  const auto ours = test::parse_exposition(collector::exposition_text(ours_of(tables)));
  std::ostringstream prometheus_cpp;
  prometheus_cpp.imbue(std::locale::classic());
  prometheus::TextSerializer().Serialize(prometheus_cpp, prometheus_cpp_of(tables));
  const auto theirs = test::parse_exposition(prometheus_cpp.str());
  REQUIRE_MESSAGE(ours, ours.error().text());
  REQUIRE_MESSAGE(theirs, theirs.error().text());
  CHECK(ours->types == std::map<std::string, std::string>{{"ifmib_x_total", "counter"}, {"ifmib_y", "gauge"}});
  REQUIRE(ours->samples.size() == theirs->samples.size());
  for (std::size_t i = 0; i < ours->samples.size(); ++i) {
    const auto& a = ours->samples[i];
    const auto& b = theirs->samples[i];
    CHECK(a.name == b.name);
    CHECK(a.labels == b.labels);
    if (std::isnan(b.value)) {
      CHECK(std::isnan(a.value));
    } else if (std::isinf(b.value)) {
      CHECK(a.value == b.value);
    } else {
      // prometheus-cpp prints 16 significant digits, so values above ~1e16 come back rounded
      // (18446744073709551615 reads back as 1.844674407370955e+19); ours round-trip exactly.
      CHECK(a.value == doctest::Approx(b.value).epsilon(1e-15));
    }
  }
  CHECK(ours->value("ifmib_x_total", {{"device", "v\"q\\x"}, {"group", "line\nbreak"}}) == 18446744073709551615.0);
  CHECK(ours->value("ifmib_x_total", {{"device", "frac"}}) == 1700000000.25);
  CHECK(ours->value("ifmib_y", {{"a", "4"}}) == 1e-7);
}

TEST_CASE("exposition text: HELP escapes backslash and newline (prometheus-cpp 1.0.1 writes it verbatim)") {
  collector::Families families;
  auto f = collector::make_family({"ifmib_z", prometheus::MetricType::Gauge, "a\\b\nc"});
  collector::add_sample(f, {}, 1);
  families.push_back(std::move(f));
  CHECK(collector::exposition_text(families) == "# HELP ifmib_z a\\\\b\\nc\n# TYPE ifmib_z gauge\nifmib_z 1\n");
  CHECK(test::parse_exposition(collector::exposition_text(families)).ok());
}

TEST_CASE("exposition text: exact bytes of a small family") {
  collector::Families families;
  auto f = collector::make_family({"ifmib_send_queue_drops_total", prometheus::MetricType::Counter, "Drops."});
  collector::add_sample(f, {{"device", "eth0"}}, 17);
  families.push_back(std::move(f));
  CHECK(collector::exposition_text(families) ==
        "# HELP ifmib_send_queue_drops_total Drops.\n# TYPE ifmib_send_queue_drops_total counter\n"
        "ifmib_send_queue_drops_total{device=\"eth0\"} 17\n");
}

TEST_CASE("exposition text: an empty label value with no data at all renders as an empty string") {
  // A default std::string_view has a null data(); copying its 0 bytes with memcpy is undefined
  // (found by fuzz/exposition_label_fuzz on an empty input). Every path that writes label text.
  collector::Families families;
  auto f = collector::make_family({"ifmib_info", prometheus::MetricType::Gauge, "Info."});
  collector::add_sample(f, {{"device", std::string_view()}, {"alias", std::string_view()}}, 1);
  const collector::RenderedLabels device({{"device", std::string_view()}});
  collector::add_sample(f, device, {{"alias", std::string_view()}}, 2);
  families.push_back(std::move(f));
  collector::append_label(families, "netns", std::string_view());
  CHECK(collector::exposition_text(families) ==
        "# HELP ifmib_info Info.\n# TYPE ifmib_info gauge\n"
        "ifmib_info{device=\"\",alias=\"\",netns=\"\"} 1\n"
        "ifmib_info{device=\"\",alias=\"\",netns=\"\"} 2\n");
}

TEST_CASE("exposition text: shared label slices join with one comma, or none when one is empty") {
  collector::Families families;
  auto f = collector::make_family({"ifmib_flag", prometheus::MetricType::Gauge, "Flags."});
  const auto device = collector::add_shared_labels(f, collector::RenderedLabels({{"device", "eth\"0"}}));
  const auto flag = collector::add_shared_labels(f, collector::RenderedLabels({{"flag", "up"}}));
  const auto none = collector::add_shared_labels(f, collector::RenderedLabels({}));
  collector::add_sample(f, device, flag, 1);
  collector::add_sample(f, none, flag, 0);
  collector::add_sample(f, device, none, 2);
  collector::add_sample(f, none, none, 3);
  collector::add_sample(f, flag, device, 4);  // any order, any slice, as often as wanted
  families.push_back(std::move(f));
  CHECK(collector::exposition_text(families) ==
        "# HELP ifmib_flag Flags.\n# TYPE ifmib_flag gauge\n"
        "ifmib_flag{device=\"eth\\\"0\",flag=\"up\"} 1\nifmib_flag{flag=\"up\"} 0\n"
        "ifmib_flag{device=\"eth\\\"0\"} 2\nifmib_flag 3\nifmib_flag{flag=\"up\",device=\"eth\\\"0\"} 4\n");
}

TEST_CASE("exposition text: shared label slices survive append_label and append_samples (--collector.netns)") {
  // Two namespaces' flag families, each with shared slices and a sample of its own labels,
  // labelled and merged as netns_scrape does.
  const auto family_of = [](std::string_view device) {
    auto f = collector::make_family({"ifmib_flag", prometheus::MetricType::Gauge, "Flags."});
    collector::add_sample(f, {{"device", "own"}}, 7);
    const auto d = collector::add_shared_labels(f, collector::RenderedLabels({{"device", device}}));
    const auto up = collector::add_shared_labels(f, collector::RenderedLabels({{"flag", "up"}}));
    const auto none = collector::add_shared_labels(f, collector::RenderedLabels({}));
    collector::add_sample(f, d, up, 1);
    collector::add_sample(f, none, up, 0);
    collector::add_sample(f, none, none, 2);
    collector::Families fs;
    fs.push_back(std::move(f));
    return fs;
  };
  // The lines family_of's samples print as, with `extra` (",netns=...") after their labels.
  const auto lines_of = [](std::string_view device, const std::string& extra) {
    const std::string bare = extra.empty() ? std::string() : "{" + extra.substr(1) + "}";
    return "ifmib_flag{device=\"own\"" + extra + "} 7\nifmib_flag{device=\"" + std::string(device) +
           "\",flag=\"up\"" + extra + "} 1\nifmib_flag{flag=\"up\"" + extra + "} 0\nifmib_flag" + bare + " 2\n";
  };
  const std::string header = "# HELP ifmib_flag Flags.\n# TYPE ifmib_flag gauge\n";

  auto a = family_of("a0");
  auto b = family_of("b0");
  collector::append_label(b, "netns", "blue");
  collector::append_samples(a[0], std::move(b[0]));
  CHECK(collector::exposition_text(a) == header + lines_of("a0", "") + lines_of("b0", ",netns=\"blue\""));

  // Merged with their slices still shared (no label added first); the second family's device
  // name is longer, so slices not moved along would point at the wrong text.
  auto c = family_of("c0");
  auto d = family_of("dd00");
  collector::append_samples(c[0], std::move(d[0]));
  CHECK(collector::exposition_text(c) == header + lines_of("c0", "") + lines_of("dd00", ""));
}

TEST_CASE("exposition text: every value prints as std::to_chars(double) prints it") {
  // The writer formats integers itself; the standard's shortest round-trip form is the oracle.
  std::vector<double> values{-0.0, 0.0, 0.5, -1, 1e-7, 1.25e9, 1e21, 18446744073709551615.0, 1700000000.25};
  for (int i = 1; i <= 2000; ++i) values.push_back(i);
  double power = 1;
  for (int exponent = 0; exponent <= 17; ++exponent, power *= 10) {
    for (double mantissa : {1.0, 2.0, 12.0, 123.0, 99999.0, 1234567.0}) {
      values.push_back(mantissa * power);
      values.push_back(mantissa * power + 1);
      values.push_back(mantissa * power - 1);
    }
  }
  for (double v : {999999999999999.0, 1e15, 1e15 + 1, 9007199254740991.0, 9007199254740992.0, 9007199254740994.0}) {
    values.push_back(v);
  }
  std::uint64_t state = 88172645463325252ull;  // xorshift64: fixed, so a failure repeats
  for (int i = 0; i < 100000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const int digits = 1 + static_cast<int>(state % 17);
    std::uint64_t v = state >> 8;
    std::uint64_t limit = 1;
    for (int d = 0; d < digits; ++d) limit *= 10;
    v %= limit;
    for (std::uint64_t zeros = (state >> 3) % 8; zeros > 0 && v < limit / 10; --zeros) v *= 10;
    values.push_back(static_cast<double>(v));
  }

  auto family = collector::make_family({"v", prometheus::MetricType::Gauge, "h"});
  std::string expected = "# HELP v h\n# TYPE v gauge\n";
  for (double v : values) {
    collector::add_sample(family, {}, v);
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    expected += "v " + std::string(buf, end) + "\n";
  }
  collector::Families families;
  families.push_back(std::move(family));
  const std::string text = collector::exposition_text(families);
  CHECK(text.size() == expected.size());
  // The first differing line, not a 2 MB diff.
  std::size_t at = 0;
  while (at < text.size() && at < expected.size() && text[at] == expected[at]) ++at;
  const std::size_t line = expected.rfind('\n', at == 0 ? 0 : at - 1);
  CHECK(text.substr(line == std::string::npos ? 0 : line, 40) ==
        expected.substr(line == std::string::npos ? 0 : line, 40));
}

TEST_CASE("exposition text: the longest values, with and without labels, within the buffer bound") {
  // write_samples writes into a buffer sized from a bound of 32 characters per value; these are
  // the longest std::to_chars(double) forms (24 characters) beside the special values.
  const std::vector<std::pair<double, std::string>> values{
      {-2.2250738585072014e-308, "-2.2250738585072014e-308"},
      {-1.7976931348623157e+308, "-1.7976931348623157e+308"},
      {4.9406564584124654e-324, "5e-324"},
      {-0.0, "-0"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::numeric_limits<double>::infinity(), "+Inf"}};
  auto f = collector::make_family({"m", prometheus::MetricType::Gauge, "h"});
  const auto device = collector::add_shared_labels(f, collector::RenderedLabels({{"device", "d"}}));
  const auto flag = collector::add_shared_labels(f, collector::RenderedLabels({{"flag", "f"}}));
  std::string expected = "# HELP m h\n# TYPE m gauge\n";
  for (const auto& [value, text] : values) {
    collector::add_sample(f, {}, value);
    collector::add_sample(f, device, flag, value);
    expected += "m " + text + "\nm{device=\"d\",flag=\"f\"} " + text + "\n";
  }
  collector::Families families;
  families.push_back(std::move(f));
  CHECK(collector::exposition_text(families) == expected);
  std::string appended = "prefix\n";
  collector::append_exposition_text(appended, families);
  CHECK(appended == "prefix\n" + expected);
}

namespace {

// One interface-MIB-like family per metric, built two ways: labels rendered into each family's
// own text (RenderedLabels), or each device label once into text the families share.
collector::Families built_with(bool shared_text, const std::vector<std::string>& devices) {
  auto up = collector::make_family({"ifmib_up", prometheus::MetricType::Gauge, "Up."});
  auto info = collector::make_family({"ifmib_info", prometheus::MetricType::Gauge, "Info."});
  collector::SharedLabels shared;
  double value = 0;
  for (const auto& d : devices) {
    if (shared_text) {
      const auto device = shared.add({{"device", d}});
      collector::add_sample(up, shared, device, ++value);
      collector::add_sample(info, shared, device, {{"ifindex", std::to_string(value)}}, 1);
    } else {
      const collector::RenderedLabels device({{"device", d}});
      collector::add_sample(up, device, ++value);
      collector::add_sample(info, device, {{"ifindex", std::to_string(value)}}, 1);
    }
  }
  collector::Families out;
  out.push_back(std::move(up));
  out.push_back(std::move(info));
  return out;
}

}  // namespace

TEST_CASE("exposition text: labels in shared text print as labels in each family's own text") {
  const std::vector<std::string> devices = {"eth0", "we\"ird\\name", "\xff\xfe", "", "veth1"};
  const auto own = built_with(false, devices);
  const auto shared = built_with(true, devices);
  CHECK(collector::exposition_text(shared) == collector::exposition_text(own));
  CHECK(shared[0].labels.empty());  // the device labels live in the shared text only
  CHECK(shared[0].shared == shared[1].shared);
  // Labelled and merged as --collector.netns does: the same text as from own labels.
  auto a = built_with(true, devices), b = built_with(true, {"x", "yy"});
  auto a_own = built_with(false, devices), b_own = built_with(false, {"x", "yy"});
  collector::append_label(b, "netns", "blue");
  collector::append_label(b_own, "netns", "blue");
  collector::append_samples(a[0], std::move(b[0]));
  collector::append_samples(a_own[0], std::move(b_own[0]));
  CHECK(collector::exposition_text(a) == collector::exposition_text(a_own));
  CHECK_FALSE(a[0].shared);
  // Merged with both sides' text still shared (different texts, different lengths).
  auto c = built_with(true, {"c0"}), d = built_with(true, {"dddd00", "e"});
  auto c_own = built_with(false, {"c0"}), d_own = built_with(false, {"dddd00", "e"});
  collector::append_samples(c[1], std::move(d[1]));
  collector::append_samples(c_own[1], std::move(d_own[1]));
  CHECK(collector::exposition_text(c) == collector::exposition_text(c_own));
}

TEST_CASE("same_text: a family whose shared text changed is not the same (a renamed interface)") {
  // Same number of samples, same values, same slices: only the shared device text differs.
  const auto before = built_with(true, {"eth0", "eth1"});
  const auto renamed = built_with(true, {"eth0", "eth2"});
  const auto again = built_with(true, {"eth0", "eth1"});
  REQUIRE(std::memcmp(before[0].samples.data(), renamed[0].samples.data(), 2 * sizeof(collector::Sample)) == 0);
  CHECK_FALSE(collector::same_text(before[0], renamed[0]));
  CHECK_FALSE(collector::same_text(before[1], renamed[1]));
  CHECK(collector::same_text(before[0], again[0]));  // equal texts in different strings
  CHECK(collector::same_text(before[1], again[1]));
  // Own text against shared text of the same labels: not claimed the same (compressed again).
  CHECK_FALSE(collector::same_text(built_with(false, {"eth0"})[0], built_with(true, {"eth0"})[0]));
}

TEST_CASE("shared labels: a family refers to one SharedLabels only") {
  collector::SharedLabels first, second;
  auto f = collector::make_family({"ifmib_up", prometheus::MetricType::Gauge, "Up."});
  collector::add_sample(f, first, first.add({{"device", "a"}}), 1);
  CHECK_THROWS_AS(collector::add_sample(f, second, second.add({{"device", "b"}}), 1), std::logic_error);
}

TEST_CASE("shared labels: text of an earlier scrape serves as it is and takes no more labels") {
  collector::SharedLabels first;
  const auto eth0 = first.add({{"device", "eth0"}});
  collector::SharedLabels again(first.text());
  CHECK(again.text() == first.text());  // the same object, not a copy
  CHECK_THROWS_AS(again.add({{"device", "x"}}), std::logic_error);
  again.reserve(1000);  // a hint, ignored for earlier text
  auto f = collector::make_family({"ifmib_up", prometheus::MetricType::Gauge, "Up."});
  collector::add_sample(f, again, eth0, 1);
  CHECK(collector::exposition_text({f}) == "# HELP ifmib_up Up.\n# TYPE ifmib_up gauge\nifmib_up{device=\"eth0\"} 1\n");
}
