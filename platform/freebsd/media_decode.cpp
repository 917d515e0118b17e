#include "platform/freebsd/media_decode.h"

#include <string>

#include "platform/freebsd/abi_layout.h"
#include "platform/freebsd/host_bytes.h"

namespace ifmib::platform::freebsd {

namespace L = layout;

Result<MediaWords> decode_ifmediareq(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != L::ifmediareq::kSize) {
    return Error::invalid("struct ifmediareq", "length " + std::to_string(bytes.size()) + ", expected " +
                                                   std::to_string(L::ifmediareq::kSize) + " (LP64)");
  }
  MediaWords w;
  w.current = detail::load<std::uint32_t>(bytes, L::ifmediareq::kCurrent);
  w.status = detail::load<std::uint32_t>(bytes, L::ifmediareq::kStatus);
  w.active = detail::load<std::uint32_t>(bytes, L::ifmediareq::kActive);
  return w;
}

MediaState decode_media(const MediaWords& words) {
  MediaState out;
  if ((words.current & L::kIfmNmask) != L::kIfmEther) return out;
  const std::uint32_t subtype = words.current & (L::kIfmTmask | L::kIfmEthXtype);
  if (subtype != L::kIfmNone) out.autonegotiation = subtype == L::kIfmAuto;
  const bool link_up = (words.status & L::kIfmAvalid) != 0 && (words.status & L::kIfmActive) != 0;
  if (link_up && (words.active & L::kIfmFdx) != 0) out.full_duplex = true;
  if (link_up && (words.active & L::kIfmHdx) != 0) out.full_duplex = false;
  return out;
}

}  // namespace ifmib::platform::freebsd
