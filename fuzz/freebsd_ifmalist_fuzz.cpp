// NET_RT_IFMALIST buffer -> decode_ifmalist().
#include "fuzz/fuzz_input.h"
#include "platform/freebsd/ifmaddrs_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = ifmib::fuzz::copy(data, size);
  (void)ifmib::platform::freebsd::decode_ifmalist(bytes);
  return 0;
}
