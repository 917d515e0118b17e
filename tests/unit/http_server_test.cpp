// The HTTP server in-process on 127.0.0.1:0 with a fake reader: status codes, and the
// --web.max-requests limit made deterministic by a reader that blocks until released.

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cmd/routes.h"
#include "server/http_server.h"
#include "tests/support/fake_reader.h"

using namespace ifmib;

namespace {

// A connected TCP socket to 127.0.0.1:port (-1 on failure), with an optional small receive buffer.
int connect_loopback(int port, int receive_buffer = 0) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends `bytes` as they are, closes the sending side, returns everything until the server closes.
std::string exchange_raw(int port, const std::string& bytes) {
  const int fd = connect_loopback(port);
  if (fd < 0) return "";
  (void)!write(fd, bytes.data(), bytes.size());
  shutdown(fd, SHUT_WR);
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) response.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return response;
}

// The whole response to one request with Connection: close, or "" on a connection failure.
std::string http_get(int port, const std::string& target, const std::string& method = "GET") {
  return exchange_raw(port, method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
}

int status_of(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

// Blocks every interfaces() call until release().
class BlockingReader final : public platform::Reader {
 public:
  Result<std::vector<platform::Interface>> interfaces() override {
    std::unique_lock lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
    return std::vector<platform::Interface>{};
  }
  Result<std::vector<platform::SendQueue>> send_queues(const platform::SendQueueQuery&) override {
    return std::vector<platform::SendQueue>{};
  }
  Result<platform::MulticastSnapshot> multicast(const platform::MulticastQuery&) override {
    return platform::MulticastSnapshot{};
  }
  Result<platform::ProcessStats> process() override { return platform::ProcessStats{}; }
  void wait_for_first_caller() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return waiting_ > 0; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool released_ = false;
};

server::ServerConfig loopback_config(int max_requests) {
  server::ServerConfig config;
  config.listen_addresses = {"127.0.0.1:0"};
  config.telemetry_path = "/metrics";
  config.max_requests = max_requests;
  return config;
}

// The exporter's own routes (cmd/routes.h), as main wires them.
server::Routes routes(const collector::Scraper& scraper) {
  return cmd::exporter_routes(scraper, cmd::LandingPage{"/metrics", scraper.enabled(), "1.2.3", "abc"});
}

int port_of(const server::HttpServer& server) {
  const std::string address = server.bound_addresses().at(0);
  return std::stoi(address.substr(address.rfind(':') + 1));
}

// The exporter's routes for the interface MIB over a FakeReader, served on 127.0.0.1:0.
struct ServedFakeReader {
  std::shared_ptr<test::FakeReader> reader = std::make_shared<test::FakeReader>();
  server::StatusCounter statuses;
  collector::Scraper scraper{{"ifmib"}, {}, reader, false, [this] { return statuses.counts(); }};
  std::unique_ptr<server::HttpServer> http;  // last: stopped before the scraper goes

  ServedFakeReader() {
    auto started = server::HttpServer::start(loopback_config(40), routes(scraper), statuses);
    REQUIRE_MESSAGE(started, started.error().text());
    http = std::move(*started);
  }
  int port() const { return port_of(*http); }
};

}  // namespace

TEST_CASE("server: status codes for paths, methods and collect[]") {
  auto reader = std::make_shared<test::FakeReader>();
  server::StatusCounter statuses;
  collector::Scraper scraper({"ifmib", "send_queue"}, {}, reader, true, [&statuses] { return statuses.counts(); });
  auto http = server::HttpServer::start(loopback_config(40), routes(scraper), statuses);
  REQUIRE_MESSAGE(http, http.error().text());
  const int port = port_of(**http);
  CHECK(status_of(http_get(port, "/metrics")) == 200);
  CHECK(status_of(http_get(port, "/")) == 200);
  CHECK(status_of(http_get(port, "/-/healthy")) == 200);
  CHECK(status_of(http_get(port, "/other")) == 404);
  CHECK(status_of(http_get(port, "/metrics", "POST")) == 405);
  CHECK(status_of(http_get(port, "/metrics", "DELETE")) == 405);
  const std::string unknown = http_get(port, "/metrics?collect[]=bogus");
  CHECK(status_of(unknown) == 400);
  CHECK(unknown.find("unknown collector: bogus") != std::string::npos);
  CHECK(status_of(http_get(port, "/metrics?collect[]=multicast")) == 400);  // disabled
  CHECK(status_of(http_get(port, "/metrics?collect%5B%5D=%ZZ")) == 400);
  // HEAD: the status and headers GET would have, Content-Length included, and no body.
  const std::string get = http_get(port, "/metrics"), head = http_get(port, "/metrics", "HEAD");
  const auto get_end = get.find("\r\n\r\n"), head_end = head.find("\r\n\r\n");
  REQUIRE(get_end != std::string::npos);
  REQUIRE(head_end != std::string::npos);
  CHECK(status_of(head) == 200);
  CHECK(head.size() == head_end + 4);  // nothing after the blank line
  const auto content_length = [](const std::string& response) {
    const auto at = response.find("Content-Length: ");
    return at == std::string::npos ? -1L : std::stol(response.substr(at + 16));
  };
  CHECK(content_length(get) == static_cast<long>(get.size() - get_end - 4));
  CHECK(content_length(get) > 0);
  CHECK(content_length(head) > 0);
  CHECK(head.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  const std::string metrics = http_get(port, "/metrics");
  CHECK(metrics.find("ifmib_exporter_http_requests_total{code=\"404\"} 1") != std::string::npos);
  CHECK(metrics.find("ifmib_exporter_http_requests_total{code=\"405\"} 2") != std::string::npos);
  CHECK(metrics.find("ifmib_exporter_http_requests_total{code=\"400\"} 3") != std::string::npos);
  (*http)->stop();
}

TEST_CASE("server: scrapes beyond --web.max-requests get 503, health checks still answer") {
  auto reader = std::make_shared<BlockingReader>();
  server::StatusCounter statuses;
  collector::Scraper scraper({"ifmib"}, {}, reader, false, [&statuses] { return statuses.counts(); });
  auto http = server::HttpServer::start(loopback_config(1), routes(scraper), statuses);
  REQUIRE_MESSAGE(http, http.error().text());
  const int port = port_of(**http);

  auto first = std::async(std::launch::async, [&] { return http_get(port, "/metrics"); });
  reader->wait_for_first_caller();  // the first scrape is now inside the reader
  const std::string second = http_get(port, "/metrics");
  CHECK(status_of(second) == 503);
  CHECK(second.find("Retry-After: 1") != std::string::npos);
  CHECK(status_of(http_get(port, "/-/healthy")) == 200);
  reader->release();
  CHECK(status_of(first.get()) == 200);
  CHECK(status_of(http_get(port, "/metrics")) == 200);  // the slot is free again
  (*http)->stop();
}

TEST_CASE("server: pipelined requests on one connection are answered in order, HTTP/1.0 and the limits") {
  ServedFakeReader served;
  const int port = served.port();
  // Three requests in one write: the first two keep the connection, the third closes it.
  const std::string three = exchange_raw(port,
                                         "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"
                                         "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                                         "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto first = three.find("HTTP/1.1 200"), second = three.find("HTTP/1.1 404"),
             third = three.find("HTTP/1.1 200", first + 1);
  CHECK(first == 0);
  CHECK(second != std::string::npos);
  CHECK(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(three.find("<html") == std::string::npos);  // HEAD: no body
  CHECK(three.find("Connection: close") > second);
  // HTTP/1.0 keeps the connection only when asked to.
  const std::string ten = exchange_raw(port, "GET /-/healthy HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  CHECK(ten.find("Connection: keep-alive") != std::string::npos);
  // A head past 16 KiB: 431 and the connection closed.
  const std::string big = exchange_raw(port, "GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n");
  CHECK(status_of(big) == 431);
  CHECK(status_of(exchange_raw(port, "GET / HTTP/3.0\r\n\r\n")) == 505);
  // A body is never read: the request is answered and the connection closed.
  const std::string post = exchange_raw(port, "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n");
  CHECK(status_of(post) == 405);
  CHECK(post.find("HTTP/1.1", 5) == std::string::npos);
  served.http->stop();
}

namespace {

// Reads one response with a Content-Length body from `fd`; returns {status, body} ({0, ""} on EOF first).
std::pair<int, std::string> read_response(int fd) {
  std::string raw;
  char buf[65536];
  std::size_t head_end = std::string::npos;
  std::size_t length = 0;
  for (;;) {
    if (head_end == std::string::npos) {
      head_end = raw.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const auto at = raw.find("Content-Length: ");
        length = at < head_end ? std::stoul(raw.substr(at + 16)) : 0;
      }
    }
    if (head_end != std::string::npos && raw.size() >= head_end + 4 + length) break;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return {0, ""};
    raw.append(buf, static_cast<std::size_t>(n));
  }
  return {status_of(raw), raw.substr(head_end + 4, length)};
}

}  // namespace

TEST_CASE("server: 300 keep-alive requests in a row on one connection are each answered at once") {
  // Workers write keep-alive responses themselves and put the connection back in the poller
  // without waking the loop: had they not, each next request would wait for the loop's 250 ms
  // tick (a median of about 125 ms, where a working server answers in well under one).
  ServedFakeReader served;
  const int fd = connect_loopback(served.port());
  REQUIRE(fd >= 0);
  std::vector<double> milliseconds;
  for (int i = 0; i < 300; ++i) {
    const std::string target = i % 3 == 0 ? "/metrics" : i % 3 == 1 ? "/-/healthy" : "/nope";
    const std::string request = (i % 7 == 0 ? "HEAD " : "GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    if (i % 7 == 0) {  // HEAD: headers only, whatever Content-Length says
      std::string raw;
      char c = 0;
      while (raw.find("\r\n\r\n") == std::string::npos && read(fd, &c, 1) == 1) raw.push_back(c);
      CHECK(status_of(raw) == (i % 3 == 2 ? 404 : 200));
    } else {
      const auto [status, body] = read_response(fd);
      CHECK(status == (i % 3 == 2 ? 404 : 200));
      if (i % 3 == 0) CHECK(body.find("ifmib_scrape_collector_success{collector=\"ifmib\"} 1") != std::string::npos);
    }
    milliseconds.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  close(fd);
  std::sort(milliseconds.begin(), milliseconds.end());
  MESSAGE("median " << milliseconds[150] << " ms, slowest " << milliseconds.back() << " ms");
  CHECK(milliseconds[150] < 50);
  // Every response was counted, those the workers wrote included (the next scrape reads them).
  const auto counts = served.statuses.counts();
  CHECK(counts.at(200) == 200);
  CHECK(counts.at(404) == 100);
  served.http->stop();
}

TEST_CASE("server: a keep-alive response larger than the socket takes is finished by the loop for a slow reader") {
  // A scrape without gzip larger than the most a TCP send buffer may grow to (tcp_wmem's maximum)
  // while the client reads nothing: the worker writes what the socket takes and the loop the rest.
  std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
  std::size_t wmem_min = 0, wmem_default = 0, wmem_max = 0;
  wmem >> wmem_min >> wmem_default >> wmem_max;
  REQUIRE(wmem_max > 0);
  const std::size_t want = wmem_max * 3 / 2;
  ServedFakeReader served;
  std::vector<platform::Interface> interfaces(want / 600 + 1);  // some 620 bytes of text each
  for (std::size_t i = 0; i < interfaces.size(); ++i) {
    interfaces[i].name = "veth" + std::to_string(i);
    interfaces[i].index = static_cast<std::uint32_t>(i + 1);
    interfaces[i].type = "ether";
  }
  served.reader->interfaces_result = interfaces;
  const int fd = connect_loopback(served.port(), 4096);
  REQUIRE(fd >= 0);
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int round = 0; round < 2; ++round) {
    REQUIRE(write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the scrape is done; nothing read yet
    const auto [status, body] = read_response(fd);
    CHECK(status == 200);
    CHECK(body.size() > wmem_max);
    // Whole, in order: the last interface's series are there and the body ends with a line.
    CHECK(body.find("device=\"veth" + std::to_string(interfaces.size() - 1) + "\"") != std::string::npos);
    CHECK(body.back() == '\n');
    CHECK(body.find("ifmib_scrape_collector_success{collector=\"ifmib\"} 1") != std::string::npos);
  }
  close(fd);
  served.http->stop();
}
