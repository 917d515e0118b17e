// net.inet.ip.mcast.filters and net.inet6.ip6.mcast.filters values: the same bytes go to both.
#include "fuzz/fuzz_input.h"
#include "platform/freebsd/mcast_filter_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = ifmib::fuzz::copy(data, size);
  (void)ifmib::platform::freebsd::decode_ip_mcast_filters(bytes);
  (void)ifmib::platform::freebsd::decode_ip6_mcast_filters(bytes);
  return 0;
}
