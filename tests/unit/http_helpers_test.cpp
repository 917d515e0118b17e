#include <doctest/doctest.h>
#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "cmd/landing_page.h"
#include "cmd/routes.h"
#include "server/content_encoding.h"
#include "server/crc32_combine.h"
#include "server/gzip_cache.h"
#include "server/http_request.h"
#include "server/listen_address.h"
#include "server/url.h"
#include "tests/support/gunzip.h"
#include "tests/support/text_parts.h"
#include "collector/families.h"
#include "base/log.h"

using namespace ifmib;

TEST_CASE("url_decode: strict percent-encoding") {
  CHECK(*server::url_decode("collect%5B%5D") == "collect[]");
  CHECK(*server::url_decode("a+b") == "a b");
  CHECK_FALSE(server::url_decode("%").ok());
  CHECK_FALSE(server::url_decode("%4").ok());
  CHECK_FALSE(server::url_decode("%zz").ok());
  CHECK(*server::url_decode("%41") == "A");
}

TEST_CASE("parse_selection: collect[] and exclude[], other parameters ignored") {
  auto s = cmd::parse_selection("collect%5B%5D=ifmib&collect[]=send_queue&foo=bar&&");
  REQUIRE(s);
  CHECK(s->include == std::vector<std::string>{"ifmib", "send_queue"});
  s = cmd::parse_selection("exclude[]=multicast");
  REQUIRE(s);
  CHECK(s->exclude == std::vector<std::string>{"multicast"});
  CHECK_FALSE(cmd::parse_selection("collect[]=a&exclude[]=b").ok());
  CHECK_FALSE(cmd::parse_selection("collect[]=%G1").ok());
  CHECK(cmd::parse_selection("")->include.empty());
}

TEST_CASE("resolve_listen_address: node_exporter-style addresses, IPv4 and IPv6") {
  const auto text = [](const std::string& address) {
    auto resolved = server::resolve_listen_address(address);
    REQUIRE_MESSAGE(resolved, resolved.error().text());
    return server::address_text(reinterpret_cast<const sockaddr*>(&resolved->address));
  };
  CHECK(text(":10027") == "0.0.0.0:10027");
  CHECK(text("0.0.0.0:10027") == "0.0.0.0:10027");
  CHECK(text("127.0.0.1:0") == "127.0.0.1:0");
  CHECK(text("localhost:9") == "127.0.0.1:9");
  CHECK(text("[::1]:10027") == "[::1]:10027");
  CHECK(text("[::]:10027") == "[::]:10027");
  CHECK(server::resolve_listen_address("[::1]:1")->length == sizeof(sockaddr_in6));
  CHECK_FALSE(server::resolve_listen_address("10027").ok());
  CHECK_FALSE(server::resolve_listen_address(":70000").ok());
  CHECK_FALSE(server::resolve_listen_address(":abc").ok());
  CHECK_FALSE(server::resolve_listen_address("[::g]:1").ok());
  CHECK_FALSE(server::resolve_listen_address("no.such.host.invalid:1").ok());
}

TEST_CASE("accepts_gzip: q-values") {
  CHECK(server::accepts_gzip("gzip"));
  CHECK(server::accepts_gzip("deflate, gzip;q=0.5"));
  CHECK(server::accepts_gzip("*"));
  CHECK_FALSE(server::accepts_gzip("gzip;q=0"));
  CHECK_FALSE(server::accepts_gzip("identity"));
  CHECK_FALSE(server::accepts_gzip(""));
}


namespace {

// What a body that is not one whole gzip stream decodes to in the checks below (no text equals it).
const std::string kNotGzip = "<not one whole gzip stream>";

// Exposition text of family number `f` with `lines` lines (about 40 bytes each), every value
// raised by `bump`.
std::string family_text(int f, int lines, int bump = 0) {
  const std::string name = "ifmib_f" + std::to_string(f) + "_total";
  std::string text = "# HELP " + name + " Family " + std::to_string(f) + ".\n# TYPE " + name + " counter\n";
  for (int i = 0; i < lines; ++i) {
    text += name + "{device=\"veth" + std::to_string(i) + "\"} " + std::to_string(1000 + i + bump) + "\n";
  }
  return text;
}

// `families` families of `lines` lines each, the values of family `changed` (or none) raised by
// `bump`.
std::string families_text(int families, int lines, int changed = -1, int bump = 0) {
  std::string text;
  for (int f = 0; f < families; ++f) text += family_text(f, lines, f == changed ? bump : 0);
  return text;
}

std::string pseudo_random_bytes(std::size_t n) {
  std::string noise(n, '\0');
  std::uint32_t state = 2463534242u;
  for (char& c : noise) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>(state);
  }
  return noise;
}

}  // namespace

TEST_CASE("gzip cache, ISA-L and zlib pieces: round trip through zlib, compressible, incompressible and empty") {
  // Pseudo-random bytes do not compress: the output outgrows any guess made from exposition text.
  const std::string noise = pseudo_random_bytes(3 << 20);
  const std::vector<std::string> texts{std::string(100000, 'x'), noise, families_text(20, 1000), std::string(),
                                       "# HELP only\n", "# HELP a x\n# HELP a x\n", "no family\n# HELP b y\nb 1\n",
                                       "x # HELP inside a line is no family start\n", "# HELP " + noise};
  // deflate_piece (ISA-L where the build has it) and the zlib path it falls back to elsewhere;
  // every family kept, and only the large ones (the default).
  struct Setup {
    server::PieceCompressor compress;
    std::size_t smallest_kept;
  };
  for (const Setup setup : {Setup{&server::deflate_piece, 0}, Setup{&server::deflate_piece, server::GzipCache::kSmallestKept},
                            Setup{&server::deflate_piece_zlib, 0},
                            Setup{&server::deflate_piece_zlib, server::GzipCache::kSmallestKept}}) {
    server::GzipCache cache(setup.compress, setup.smallest_kept);
    for (int round = 0; round < 2; ++round) {  // the second round reuses kept pieces
      for (const std::string& text : texts) {
        CAPTURE(text.size());
        CAPTURE(round);
        CAPTURE(setup.smallest_kept);
        CAPTURE(setup.compress == &server::deflate_piece_zlib);
        const std::string packed = cache.gzip(test::text_parts(text));
        REQUIRE(packed.size() >= 18);
        CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
        CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
        CHECK(test::gunzip(packed).value_or(kNotGzip) == text);  // zlib checks the CRC-32 and the length
        // The whole text as one piece (a compressible response without parts).
        CHECK(test::gunzip(cache.gzip(std::string_view(text))).value_or(kNotGzip) == text);
      }
    }
  }
  CHECK(server::gzip_crc32(noise) == server::gzip_crc32_zlib(noise));
}

TEST_CASE("crc32_combine: the CRC-32 of two texts together, as zlib computes it over both") {
  const std::string noise = pseudo_random_bytes(70000);
  // Split points at the ends, inside a byte run of every length up to 64, and far apart.
  std::vector<std::size_t> cuts{0, 1, 2, 7, 8, 9, 63, 64, 65, 4096, 65535, 65536, noise.size() - 1, noise.size()};
  for (std::size_t end : {std::size_t{0}, std::size_t{1}, std::size_t{100}, noise.size()}) {
    for (const std::size_t cut : cuts) {
      if (cut > end) continue;
      const std::string_view all = std::string_view(noise).substr(0, end);
      const std::string_view a = all.substr(0, cut), b = all.substr(cut);
      CAPTURE(end);
      CAPTURE(cut);
      CHECK(server::crc32_combine(server::gzip_crc32_zlib(a), server::gzip_crc32_zlib(b), b.size()) ==
            server::gzip_crc32_zlib(all));
    }
  }
  // Three pieces, combined left to right.
  const std::string_view x = std::string_view(noise).substr(0, 10), y = std::string_view(noise).substr(10, 1000),
                         z = std::string_view(noise).substr(1010);
  const std::uint32_t xy = server::crc32_combine(server::gzip_crc32(x), server::gzip_crc32(y), y.size());
  CHECK(server::crc32_combine(xy, server::gzip_crc32(z), z.size()) == server::gzip_crc32_zlib(noise));
}

TEST_CASE("gzip cache: a family whose text is unchanged reuses its piece, a changed one is compressed again") {
  for (const auto compress : {&server::deflate_piece, &server::deflate_piece_zlib}) {
    CAPTURE(compress == &server::deflate_piece_zlib);
    server::GzipCache cache(compress, 0);  // every family kept, however small
    const std::string first = families_text(5, 200);
    CHECK(test::gunzip(cache.gzip(test::text_parts(first))).value_or(kNotGzip) == first);
    CHECK(cache.reused() == 0);
    CHECK(cache.compressed() == 5);
    CHECK(test::gunzip(cache.gzip(test::text_parts(first))).value_or(kNotGzip) == first);
    CHECK(cache.reused() == 5);
    CHECK(cache.compressed() == 5);
    // One value of family 3 changes by one digit's worth: only that family is compressed again,
    // and the result is the new text, not the kept one.
    const std::string second = families_text(5, 200, 3, 9);
    REQUIRE(second != first);
    CHECK(test::gunzip(cache.gzip(test::text_parts(second))).value_or(kNotGzip) == second);
    CHECK(cache.reused() == 9);
    CHECK(cache.compressed() == 6);
    // The same length, other digits: compared byte for byte, not by size.
    const std::string third = families_text(5, 200, 3, 1);
    REQUIRE(third.size() == second.size());
    CHECK(test::gunzip(cache.gzip(test::text_parts(third))).value_or(kNotGzip) == third);
    CHECK(cache.compressed() == 7);
    // Families missing from one response come back from the kept pieces in the next.
    const std::string fewer = families_text(2, 200);
    CHECK(test::gunzip(cache.gzip(test::text_parts(fewer))).value_or(kNotGzip) == fewer);
    CHECK(test::gunzip(cache.gzip(test::text_parts(third))).value_or(kNotGzip) == third);
    CHECK(cache.compressed() == 7);
  }
}

TEST_CASE("gzip cache: small families are one piece together and never kept, large ones each a piece") {
  server::GzipCache cache(server::deflate_piece);
  // 10 lines are some 400 bytes, 1000 lines some 40 KB (above kSmallestKept): small, small,
  // large, small, large.
  REQUIRE(family_text(0, 10).size() < server::GzipCache::kSmallestKept);
  REQUIRE(family_text(2, 1000).size() >= server::GzipCache::kSmallestKept);
  const auto text_with = [](int bump) {
    return family_text(0, 10, bump) + family_text(1, 10, bump) + family_text(2, 1000) + family_text(3, 10, bump) +
           family_text(4, 1000);
  };
  const std::string first = text_with(0);
  CHECK(test::gunzip(cache.gzip(test::text_parts(first))).value_or(kNotGzip) == first);
  CHECK(cache.compressed() == 4);  // [0, 1], 2, [3], 4
  CHECK(cache.reused() == 0);
  CHECK(cache.kept() == 2);
  // The small ones change, the large ones do not: two pieces compressed, two reused.
  const std::string second = text_with(5);
  CHECK(test::gunzip(cache.gzip(test::text_parts(second))).value_or(kNotGzip) == second);
  CHECK(cache.compressed() == 6);
  CHECK(cache.reused() == 2);
  // Text before the first family joins the first run of small families.
  const std::string third = "# a comment first\n" + second;
  CHECK(test::gunzip(cache.gzip(test::text_parts(third))).value_or(kNotGzip) == third);
  CHECK(cache.compressed() == 8);
  CHECK(cache.reused() == 4);
}

TEST_CASE("gzip cache: responses with ever new families keep a bounded table") {
  server::GzipCache cache(server::deflate_piece, 0);
  // Three times the bound in distinct families, over several responses: each still decodes.
  for (int round = 0; round < 3; ++round) {
    std::string text;
    const int families = static_cast<int>(server::GzipCache::kMaxPieces);
    for (int f = 0; f < families; ++f) {
      const std::string name = "ifmib_r" + std::to_string(round) + "_f" + std::to_string(f);
      text += "# HELP " + name + " h\n" + name + " 1\n";
    }
    CHECK(test::gunzip(cache.gzip(test::text_parts(text))).value_or(kNotGzip) == text);
    CHECK(cache.kept() <= server::GzipCache::kMaxPieces);
  }
  CHECK(cache.compressed() == 3 * server::GzipCache::kMaxPieces);
}

TEST_CASE("gzip cache: concurrent responses of different texts each decode to their own text") {
  // Every family kept (families of 300 lines are below kSmallestKept): parallel calls look up,
  // compare and replace kept pieces.
  server::GzipCache cache(server::deflate_piece, 0);
  std::vector<std::string> texts;
  for (int t = 0; t < 4; ++t) texts.push_back(families_text(8, 300, t, t + 1));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 25; ++k) {
        const std::string& text = texts[static_cast<std::size_t>((t + k) % 4)];
        if (test::gunzip(cache.gzip(test::text_parts(text))) != text) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}

TEST_CASE("printable_label_value: valid UTF-8 kept, invalid bytes spelled out") {
  CHECK(collector::printable_label_value("eth0") == "eth0");
  CHECK(collector::printable_label_value("\xC3\xA9") == "\xC3\xA9");
  CHECK(collector::printable_label_value("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
  CHECK(collector::printable_label_value("a\xff") == "a\\xFF");
  CHECK(collector::printable_label_value("\xC0\xAF") == "\\xC0\\xAF");      // overlong
  CHECK(collector::printable_label_value("\xED\xA0\x80") == "\\xED\\xA0\\x80");  // surrogate
  CHECK(collector::printable_label_value("\xE2\x82") == "\\xE2\\x82");     // truncated
}

TEST_CASE("log: logfmt and JSON lines escape what they must") {
  CHECK(log::format_logfmt(log::Level::error, "collector failed", {{"collector", "ifmib"}, {"err", "a \"b\""}}) ==
        "level=error msg=\"collector failed\" collector=ifmib err=\"a \\\"b\\\"\"");
  CHECK(log::format_json(log::Level::info, "hi", {{"device", "v\"q"}}) ==
        "{\"level\":\"info\",\"msg\":\"hi\",\"device\":\"v\\\"q\"}");
  CHECK(log::format_json(log::Level::info, "x", {{"device", std::string("\xff")}}).find("\xEF\xBF\xBD") !=
        std::string::npos);
}

TEST_CASE("decode_path: percent-decoding without '+', and no NUL") {
  CHECK(*server::decode_path("/metrics") == "/metrics");
  CHECK(*server::decode_path("/metric%73") == "/metrics");
  CHECK(*server::decode_path("/a+b") == "/a+b");
  CHECK_FALSE(server::decode_path("/metrics%00.html").ok());
  CHECK_FALSE(server::decode_path("/metrics%0").ok());
  CHECK_FALSE(server::decode_path("/%zz").ok());
}

TEST_CASE("landing page: every value is escaped for HTML") {
  const cmd::LandingPage page{"/m\"><script>&", {"ifmib", "a<b"}, "1.0<i>", "r&\""};
  const std::string html = cmd::landing_page_html(page);
  CHECK(html.find("<a href=\"/m&quot;&gt;&lt;script&gt;&amp;\">Metrics</a>") != std::string::npos);
  CHECK(html.find("Collectors: ifmib, a&lt;b</p>") != std::string::npos);
  CHECK(html.find("Version 1.0&lt;i&gt; (r&amp;&quot;)</p>") != std::string::npos);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
}
