// parse_request_head on literal bytes: what the server's event loop decides after each read.
#include <doctest/doctest.h>

#include "server/http_request.h"

using namespace ifmib::server;
using Status = HeadParse::Status;

namespace {
HeadParse parse(const std::string& text, std::size_t limit = 16384) { return parse_request_head(text, limit); }
}  // namespace

TEST_CASE("request head: a GET with a query, headers by any case, pipelined bytes left over") {
  const std::string first = "GET /metrics?collect[]=ifmib HTTP/1.1\r\nHost: x\r\naccept-encoding:  gzip \r\n\r\n";
  const auto r = parse(first + "GET / HTTP/1.1\r\n");
  REQUIRE(r.status == Status::complete);
  CHECK(r.consumed == first.size());
  CHECK(r.request.method == "GET");
  CHECK(r.request.path == "/metrics");
  CHECK(r.request.query == "collect[]=ifmib");
  CHECK(r.request.minor_version == 1);
  REQUIRE(r.request.header("Accept-Encoding") != nullptr);
  CHECK(*r.request.header("ACCEPT-ENCODING") == "gzip");
  CHECK(r.request.header("Authorization") == nullptr);
  CHECK(r.request.keep_alive);
  CHECK_FALSE(r.request.has_body);
}

TEST_CASE("request head: incomplete until the blank line, whatever the split") {
  const std::string whole = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::size_t n = 0; n < whole.size(); ++n) {
    CAPTURE(n);
    CHECK(parse(whole.substr(0, n)).status == Status::incomplete);
  }
  CHECK(parse(whole).status == Status::complete);
  // The slow client of issue 13: half a request, then nothing.
  CHECK(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n").status == Status::incomplete);
}

TEST_CASE("request head: keep-alive rules of HTTP/1.0 and 1.1") {
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nConnection: foo, Close\r\n\r\n").request.keep_alive);
  CHECK_FALSE(parse("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  const auto ten = parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  CHECK(ten.request.keep_alive);
  CHECK(ten.request.minor_version == 0);
}

TEST_CASE("request head: leading empty lines and bare LF line ends are accepted") {
  const auto r = parse("\r\n\r\nGET /x HTTP/1.1\nHost: y\n\n");
  REQUIRE(r.status == Status::complete);
  CHECK(r.request.path == "/x");
  CHECK(*r.request.header("host") == "y");
  CHECK(r.consumed == 4 + std::string("GET /x HTTP/1.1\nHost: y\n\n").size());
}

TEST_CASE("request head: absolute-form targets are reduced to their path") {
  const auto r = parse("GET http://host:9100/metrics?x=1 HTTP/1.1\r\n\r\n");
  REQUIRE(r.status == Status::complete);
  CHECK(r.request.path == "/metrics");
  CHECK(r.request.query == "x=1");
  CHECK(parse("GET http://host HTTP/1.1\r\n\r\n").request.path == "/");
}

TEST_CASE("request head: bodies are noticed, bad lengths refused") {
  CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").request.has_body);
  CHECK_FALSE(parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").request.has_body);
  CHECK(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").request.has_body);
  CHECK(parse("GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n").error_status == 400);
  CHECK(parse("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").error_status == 400);
}

TEST_CASE("request head: malformed ones get the status civetweb and RFC 9112 give them") {
  const auto status = [](const std::string& text) {
    const auto r = parse(text);
    CHECK(r.status == Status::invalid);
    CHECK(!r.error.empty());
    return r.error_status;
  };
  CHECK(status("garbage\r\n\r\n") == 400);
  CHECK(status("GET\r\n\r\n") == 400);
  CHECK(status("GET /metrics\r\n\r\n") == 400);          // HTTP/0.9
  CHECK(status("GET metrics HTTP/1.1\r\n\r\n") == 400);  // not origin-form
  CHECK(status("GET * HTTP/1.1\r\n\r\n") == 400);
  CHECK(status("GET /metrics FTP/1.1\r\n\r\n") == 400);
  CHECK(status("GET  /metrics HTTP/1.1\r\n\r\n") == 400);  // two spaces
  CHECK(status("GET /metrics HTTP/9.9\r\n\r\n") == 505);
  CHECK(status("GET /metrics HTTP/2.0\r\n\r\n") == 505);
  CHECK(status("G(T / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status("GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n") == 400);
  CHECK(status("GET / HTTP/1.1\r\nName : v\r\n\r\n") == 400);  // space before the colon
  CHECK(status("GET / HTTP/1.1\r\nA: b\r\n continued\r\n\r\n") == 400);
  CHECK(status("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n") == 400);
  CHECK(status(std::string("GET /\0 HTTP/1.1\r\n\r\n", 19)) == 400);
}

TEST_CASE("request head: the limit ends a head that does not end") {
  CHECK(parse("GET /" + std::string(100, 'a'), 64).error_status == 414);
  CHECK(parse("GET / HTTP/1.1\r\nX: " + std::string(100, 'a'), 64).error_status == 431);
  CHECK(parse("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", 64).error_status == 431);
  CHECK(parse("GET / HTTP/1.1\r\nX: " + std::string(30, 'a'), 64).status == Status::incomplete);
  CHECK(parse("GET / HTTP/1.1\r\nX: " + std::string(30, 'a') + "\r\n\r\n", 64).status == Status::complete);
}
