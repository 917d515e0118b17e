#include <doctest/doctest.h>
#include <netinet/in.h>
#include <zlib.h>

#include "cmd/landing_page.h"
#include "cmd/routes.h"
#include "server/content_encoding.h"
#include "server/http_request.h"
#include "server/listen_address.h"
#include "server/url.h"
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

// zlib, not the product's compressor, is the oracle.
std::string gunzip(const std::string& packed, std::size_t expected_size) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  std::string out(expected_size + 10, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  zs.avail_in = static_cast<uInt>(packed.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  CHECK(inflate(&zs, Z_FINISH) == Z_STREAM_END);
  CHECK(zs.avail_in == 0);  // nothing after the gzip trailer
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

}  // namespace

TEST_CASE("gzip and its zlib fallback: round trip through zlib, compressible, incompressible and empty") {
  // Pseudo-random bytes do not compress: the output outgrows any guess made from exposition text.
  std::string noise(3 << 20, '\0');
  std::uint32_t state = 2463534242u;
  for (char& c : noise) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>(state);
  }
  std::string exposition;
  for (int i = 0; i < 20000; ++i) exposition += "ifmib_receive_bytes_total{device=\"veth" + std::to_string(i) + "\"} 12345\n";
  // gzip() (ISA-L where the build has it) and the zlib path it falls back to elsewhere.
  for (const auto compress : {&server::gzip, &server::gzip_zlib}) {
    for (const std::string& text : {std::string(100000, 'x'), noise, exposition, std::string()}) {
      CAPTURE(text.size());
      CAPTURE(compress == &server::gzip_zlib);
      const std::string packed = compress(text);
      REQUIRE(packed.size() >= 18);
      CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
      CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
      CHECK(gunzip(packed, text.size()) == text);
    }
  }
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
