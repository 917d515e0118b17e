// RTM_GETMULTICAST dump bytes (IPv4 and IPv6) -> parse_mcast_dump().
#include "fuzz/fuzz_input.h"
#include "platform/linux/mcast_dump_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = ifmib::fuzz::copy(data, size);
  (void)ifmib::platform::netlink::parse_mcast_dump(bytes);
  return 0;
}
