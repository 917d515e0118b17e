// net.inet.igmp.ifinfo and net.inet6.mld.ifinfo values -> the decoders and the snapshot mapping.
#include "fuzz/fuzz_input.h"
#include "platform/freebsd/mcast_filter_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fb = ifmib::platform::freebsd;
  const auto bytes = ifmib::fuzz::copy(data, size);
  if (auto igmp = fb::decode_igmp_ifinfo(bytes)) (void)fb::to_protocol(*igmp, "em0", 1);
  if (auto mld = fb::decode_mld_ifinfo(bytes)) (void)fb::to_protocol(*mld, "em0", 1);
  return 0;
}
