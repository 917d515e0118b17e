#pragma once
// Raw HTTP/1.x over TCP from threads of the test process placed in a test namespace, for the
// hostile-client, concurrency and soak tests: requests are sent byte for byte as written (no
// client library to fix them up), and many clients cost one thread each instead of a curl process.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace ifmib::test::raw_http {

/// Moves the calling thread (only it) into the network namespace `name` (`ip netns` style, under
/// /var/run/netns). Sockets the thread opens afterwards belong to that namespace.
inline bool enter_netns(const std::string& name) {
  const int fd = ::open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::setns(fd, CLONE_NEWNET) == 0;
  ::close(fd);
  return ok;
}

/// A TCP connection to 127.0.0.1:`port`, closed by the destructor.
class Connection {
 public:
  explicit Connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// Half-closes: tells the server no more request bytes will come.
  void shut_write() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
  }

  /// Sends everything; false when the peer has closed or reset the connection.
  bool send(const std::string& data) {
    std::size_t done = 0;
    while (fd_ >= 0 && done < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return fd_ >= 0;
  }

  /// Reads until the peer closes, `timeout_seconds` pass, or (when `stop_after_response` is set)
  /// one whole response with Content-Length has arrived. `closed` tells whether the peer closed.
  std::string receive(double timeout_seconds, bool* closed = nullptr, bool stop_after_response = false) {
    std::string out;
    bool eof = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
    while (fd_ >= 0) {
      if (stop_after_response && whole_response(out)) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      char buf[16384];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // orderly close or reset: either way the server is done with us
        eof = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    if (closed) *closed = eof;
    return out;
  }

  /// True when `text` holds a status line, headers and a body as long as its Content-Length.
  static bool whole_response(const std::string& text) {
    const auto end = text.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const auto length = header_value(text.substr(0, end), "content-length");
    if (length.empty()) return false;
    return text.size() - (end + 4) >= std::strtoull(length.c_str(), nullptr, 10);
  }

  /// The value of header `lower_name` (matched case-insensitively) in a header block; "" if absent.
  static std::string header_value(const std::string& head, const std::string& lower_name) {
    std::size_t at = 0;
    while (at < head.size()) {
      const auto eol = head.find("\r\n", at);
      const std::string line = head.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name == lower_name) {
          auto value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          return value;
        }
      }
      if (eol == std::string::npos) break;
      at = eol + 2;
    }
    return "";
  }

 private:
  int fd_ = -1;
};

/// A parsed response: status 0 when nothing that looks like a status line came back.
struct Response {
  int status = 0;
  std::string head;
  std::string body;
};

/// Splits raw bytes into the first response's status, header block and body (by Content-Length).
inline Response parse_response(const std::string& raw) {
  Response r;
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return r;
  r.status = std::atoi(raw.c_str() + 9);
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return r;
  r.head = raw.substr(0, end);
  const auto length = Connection::header_value(r.head, "content-length");
  r.body = raw.substr(end + 4);
  if (!length.empty()) r.body = r.body.substr(0, std::strtoull(length.c_str(), nullptr, 10));
  return r;
}

/// One request on a fresh connection (`Connection: close` is up to the caller).
inline Response exchange(int port, const std::string& request, double timeout_seconds) {
  Connection c(port);
  if (!c.connected() || !c.send(request)) return {};
  return parse_response(c.receive(timeout_seconds, nullptr, true));
}

/// GET `path` with HTTP/1.1 and Connection: close.
inline Response get(int port, const std::string& path, double timeout_seconds) {
  return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout_seconds);
}

/// The first word after "`field`:" in /proc/`pid`/status ("" when unreadable): "VmRSS" gives
/// the kB count, "Uid" the real uid, "CapEff" the effective capability mask in hex.
inline std::string status_field(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == field + ":") {
      std::string value;
      in >> value;
      return value;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return "";
}

/// VmRSS of `pid` in kB (0 when unreadable).
inline long rss_kb(int pid) { return std::atol(status_field(pid, "VmRSS").c_str()); }

}  // namespace ifmib::test::raw_http
