#include "server/listen_address.h"

// Explicit for FreeBSD, where they do not come in through other headers.
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <charconv>
#include <cstdint>
#include <system_error>

namespace ifmib::server {

Result<ListenAddress> resolve_listen_address(const std::string& address) {
  const auto bad = [&](const std::string& why) {
    return Error::invalid("listen address '" + address + "'", why);
  };
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return bad("want [host]:port, e.g. :10027 or 127.0.0.1:10027");
  std::string host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  int port = -1;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  ListenAddress out;
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed || host.find(':') != std::string::npos) {
    if (bracketed) host = host.substr(1, host.size() - 2);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.address);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) != 1) return bad("not an IPv6 address: " + host);
    out.length = sizeof(sockaddr_in6);
    return out;
  }
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.address);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(static_cast<std::uint16_t>(port));
  out.length = sizeof(sockaddr_in);
  if (host.empty() || host == "0.0.0.0") {
    v4->sin_addr.s_addr = htonl(INADDR_ANY);
    return out;
  }
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) return out;
  // A host name: listen on its first IPv4 address.
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    return bad(std::string("cannot resolve host: ") + gai_strerror(rc));
  }
  v4->sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
  freeaddrinfo(found);
  return out;
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive in libstdc++'s
  // inlined string concatenation) on "[" + std::string(...).
  std::string out;
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    out += '[';
    out += text;
    out += "]:";
    out += std::to_string(ntohs(v6->sin6_port));
    return out;
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
  inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
  out += text;
  out += ':';
  out += std::to_string(ntohs(v4->sin_port));
  return out;
}

}  // namespace ifmib::server
