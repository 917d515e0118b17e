// Tests for cmd/family_parts and collector::same_text: a scrape's families as response body
// parts, against the whole exposition text as the oracle, and through the server's GzipCache.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "cmd/family_parts.h"
#include "collector/exposition_text.h"
#include "collector/families.h"
#include "server/content_encoding.h"
#include "server/gzip_cache.h"
#include "tests/support/gunzip.h"

using namespace ifmib;

namespace {

constexpr collector::MetricSpec kBytes{"ifmib_t_bytes_total", prometheus::MetricType::Counter, "Bytes."};
constexpr collector::MetricSpec kFlag{"ifmib_t_flag", prometheus::MetricType::Gauge, "Flag."};
constexpr collector::MetricSpec kEmpty{"ifmib_t_empty", prometheus::MetricType::Gauge, "Nothing."};

// A scrape of `devices` interfaces: a counter family (device `bumped` raised by `bump`), a flag
// family with shared label slices, and a family without samples.
collector::Families scrape(int devices, int bumped = -1, double bump = 0) {
  collector::Families f{collector::make_family(kBytes), collector::make_family(kFlag), collector::make_family(kEmpty)};
  const auto up = collector::add_shared_labels(f[1], collector::RenderedLabels({{"flag", "up"}}));
  for (int d = 0; d < devices; ++d) {
    const collector::RenderedLabels device({{"device", "eth" + std::to_string(d)}});
    collector::add_sample(f[0], device, 1000.0 * d + (d == bumped ? bump : 0));
    collector::add_sample(f[1], collector::add_shared_labels(f[1], device), up, d % 2);
  }
  return f;
}

std::string text_of(const server::BodyParts& parts) { return server::body_text(parts); }

}  // namespace

TEST_CASE("family parts: their text is the exposition text, families without samples left out") {
  for (const int devices : {0, 1, 50}) {
    const collector::Families families = scrape(devices);
    const std::string expected = collector::exposition_text(families);
    const server::BodyParts parts = cmd::family_parts(collector::Families(families));
    CHECK(parts.size() == (devices == 0 ? 0u : 2u));
    CHECK(text_of(parts) == expected);
    std::size_t bound = 0;
    for (const auto& part : parts) bound += part->size_bound();
    CHECK(bound >= expected.size());
  }
}

TEST_CASE("same_text: equal data only, values bit for bit") {
  CHECK(collector::same_text(scrape(10)[0], scrape(10)[0]));
  CHECK(collector::same_text(scrape(10)[1], scrape(10)[1]));
  CHECK_FALSE(collector::same_text(scrape(10)[0], scrape(11)[0]));
  CHECK_FALSE(collector::same_text(scrape(10)[0], scrape(10, 3, 1)[0]));
  CHECK_FALSE(collector::same_text(scrape(10)[0], scrape(10)[1]));

  const auto single = [](std::string_view device, double value, std::string_view help = "Bytes.") {
    collector::Family f = collector::make_family({kBytes.name, kBytes.type, help});
    collector::add_sample(f, {{"device", device}}, value);
    return f;
  };
  // Labels of the same length, other text.
  CHECK_FALSE(collector::same_text(single("eth0", 1), single("eth1", 1)));
  CHECK_FALSE(collector::same_text(single("eth0", 1), single("eth0", 1, "Other.")));
  // 0 and -0 print differently ("0", "-0"): not the same text.
  CHECK(collector::exposition_text({single("eth0", 0.0)}) != collector::exposition_text({single("eth0", -0.0)}));
  CHECK_FALSE(collector::same_text(single("eth0", 0.0), single("eth0", -0.0)));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(collector::same_text(single("eth0", nan), single("eth0", nan)));
}

TEST_CASE("family parts through the gzip cache: only changed families compressed, the body always the new text") {
  for (const auto compress : {&server::deflate_piece, &server::deflate_piece_zlib}) {
    CAPTURE(compress == &server::deflate_piece_zlib);
    server::GzipCache cache(compress, 0);  // every family kept
    const auto served = [&](const collector::Families& families) {
      const std::string body = cache.gzip(cmd::family_parts(collector::Families(families)));
      return test::gunzip(body).value_or("(not gzip)") == collector::exposition_text(families);
    };
    CHECK(served(scrape(100)));
    CHECK(cache.compressed() == 2);
    CHECK(cache.reused() == 0);
    // A new scrape with the same data (new objects): both reused, no text written.
    CHECK(served(scrape(100)));
    CHECK(cache.compressed() == 2);
    CHECK(cache.reused() == 2);
    // One counter moved: its family alone compressed again, and served with the new value.
    CHECK(served(scrape(100, 42, 7)));
    CHECK(cache.compressed() == 3);
    CHECK(cache.reused() == 3);
    // Back: the counter family was replaced in the cache, so it is compressed once more.
    CHECK(served(scrape(100)));
    CHECK(cache.compressed() == 4);
    CHECK(cache.reused() == 4);
    // A different interface set.
    CHECK(served(scrape(3)));
    CHECK(served(scrape(0)));
  }
}
