#pragma once
// Decoder for the SIOCGIFMEDIA answer (struct ifmediareq, sys/net/if.h) and the media words of
// sys/net/if_media.h: duplex and autonegotiation of an Ethernet interface. Pure: built and tested
// on every OS; platform/freebsd/system/ issues the ioctl.

#include <cstdint>
#include <optional>
#include <span>

#include "base/result.h"

namespace ifmib::platform::freebsd {

/// The three media words of one struct ifmediareq.
struct MediaWords {
  std::uint32_t current = 0;  // ifm_current: the media selected (IFM_AUTO subtype = autoselect)
  std::uint32_t status = 0;   // ifm_status: IFM_AVALID | IFM_ACTIVE
  std::uint32_t active = 0;   // ifm_active: the media in use, with IFM_FDX / IFM_HDX

  bool operator==(const MediaWords&) const = default;
};

/// Decodes a struct ifmediareq (48 bytes on LP64); any other length is an Error.
Result<MediaWords> decode_ifmediareq(std::span<const std::uint8_t> bytes);

struct MediaState {
  std::optional<bool> full_duplex;      // empty unless the link is up and the driver says FDX or HDX
  std::optional<bool> autonegotiation;  // empty for non-Ethernet media and IFM_NONE

  bool operator==(const MediaState&) const = default;
};

/// What `ifconfig` prints as "media: Ethernet autoselect (1000baseT <full-duplex>)": Ethernet
/// only; autonegotiation when the selected subtype is IFM_AUTO; duplex from the active word, only
/// while IFM_AVALID and IFM_ACTIVE say the link is up (a down link has no duplex).
MediaState decode_media(const MediaWords& words);

}  // namespace ifmib::platform::freebsd
