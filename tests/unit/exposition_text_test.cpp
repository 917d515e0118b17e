#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <prometheus/text_serializer.h>

#include <sstream>

#include "collector/exposition_text.h"
#include "tests/support/exposition.h"

using namespace ifmib;

namespace {

collector::Families sample_families() {
  using prometheus::MetricType;
  collector::Families out;
  auto counter = collector::make_family({"ifmib_x_total", MetricType::Counter, "Plain help."});
  collector::add_sample(counter, {{"device", "v\"q\\x"}, {"group", "line\nbreak"}}, 18446744073709551615.0);
  collector::add_sample(counter, {{"device", "b\xC3\xA9"}}, 0);
  collector::add_sample(counter, {{"device", "big"}}, 4294967303.0);
  collector::add_sample(counter, {{"device", "frac"}}, 1700000000.25);
  out.push_back(std::move(counter));
  auto gauge = collector::make_family({"ifmib_y", MetricType::Gauge, "Plain."});
  collector::add_sample(gauge, {}, std::numeric_limits<double>::infinity());
  collector::add_sample(gauge, {{"a", "1"}}, -std::numeric_limits<double>::infinity());
  collector::add_sample(gauge, {{"a", "2"}}, std::nan(""));
  collector::add_sample(gauge, {{"a", "3"}}, 1.25e9);
  collector::add_sample(gauge, {{"a", "4"}}, 1e-7);
  out.push_back(std::move(gauge));
  out.push_back(collector::make_family({"ifmib_empty", MetricType::Gauge, "No samples: omitted."}));
  return out;
}

}  // namespace

TEST_CASE("exposition text: the same samples, help and types as prometheus-cpp's TextSerializer") {
  const auto families = sample_families();
  const auto ours = test::parse_exposition(collector::exposition_text(families));
  std::ostringstream prometheus_cpp;
  prometheus_cpp.imbue(std::locale::classic());
  prometheus::TextSerializer().Serialize(prometheus_cpp, families);
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
