// IFDATA_LINKSPECIFIC bytes -> decode_ether_mib().
#include "fuzz/fuzz_input.h"
#include "platform/freebsd/ifmib_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = ifmib::fuzz::copy(data, size);
  (void)ifmib::platform::freebsd::decode_ether_mib(bytes);
  return 0;
}
