// Captures raw rtnetlink dump bytes for tests/unit/fixtures/linux (see the README there).
// Not part of the CMake build; build by hand:
//   g++ -std=c++20 -I. tools/capture_netlink.cpp platform/linux/netlink_socket.cpp -lmnl -o /tmp/capture_netlink
// Usage: capture_netlink links|qdiscs|mcast4|mcast6 OUTPUT.bin   (run inside the namespace to capture)

#include <cstdio>
#include <fstream>
#include <string>

#include "platform/linux/netlink_socket.h"

using ifmib::platform::netlink::DumpRequest;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s links|qdiscs|mcast4|mcast6 OUTPUT.bin\n", argv[0]);
    return 2;
  }
  const std::string what = argv[1];
  DumpRequest request;
  if (what == "links") request = DumpRequest::links();
  else if (what == "qdiscs") request = DumpRequest::qdiscs();
  else if (what == "mcast4") request = DumpRequest::inet_multicast();
  else if (what == "mcast6") request = DumpRequest::inet6_multicast();
  else {
    std::fprintf(stderr, "unknown dump %s\n", what.c_str());
    return 2;
  }
  auto bytes = ifmib::platform::netlink::dump(request);
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().text().c_str());
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  std::fprintf(stderr, "%s: %zu bytes\n", what.c_str(), bytes->size());
  return 0;
}
