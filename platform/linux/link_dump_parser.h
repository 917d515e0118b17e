#pragma once
// Parsing half of the link listing: RTM_NEWLINK dump bytes (from netlink::dump(DumpRequest::links()))
// to interface rows. Pure; tested on captured bytes in tests/unit/linux/link_dump_parser_test.cpp.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/linux/dump_bytes.h"
#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::netlink {

/// One RTM_NEWLINK message: the snapshot's Interface plus the facts the Linux reader needs to
/// finish it. `interface.driver` and `interface.baudrate_bits_per_second` are left empty here:
/// the reader fills them from ethtool (ethtool_cache.h) or, failing that, from `kind`.
/// `interface.tx_queue_length` is IFLA_TXQLEN (the pfifo_fast limit).
struct LinkRow {
  Interface interface;
  std::uint16_t arphrd = 0;             // ifinfomsg.ifi_type, an ARPHRD_* value
  std::string kind;                     // IFLA_LINKINFO/IFLA_INFO_KIND ("veth", "bridge", ...); "" if none

  bool operator==(const LinkRow&) const = default;
};

/// Decodes every RTM_NEWLINK message in `bytes`, in dump order.
/// Counters come from IFLA_STATS64, or IFLA_STATS (32-bit) when the 64-bit ones are absent; a
/// message with neither is an Error. Unknown attributes are ignored. A truncated message or
/// attribute, an attribute that fails validation, an NLMSG_ERROR, or a message of any type
/// other than RTM_NEWLINK is an Error for the whole dump (never a half-decoded row).
Result<std::vector<LinkRow>> parse_link_dump(std::span<const std::uint8_t> bytes);
/// The same on a dump from the socket code, whose rows are sized from the messages it counted.
Result<std::vector<LinkRow>> parse_link_dump(const DumpBytes& dump);

/// The interfaces of parse_link_dump(dump)'s rows, decoded in place rather than in rows then
/// moved out (some 450 bytes each, a twentieth of a collect[]=ifmib scrape's instructions), and
/// each row's `kind` at the same position of `kinds` (cleared first).
Result<std::vector<Interface>> parse_link_interfaces(const DumpBytes& dump, std::vector<std::string>& kinds);

/// Interface.type for an ARPHRD_* value: "ether", "loopback", ... or "arphrd_<n>".
std::string link_type_name(std::uint16_t arphrd);

/// Lower-case names of the IFF_* bits set in `flags` (include/uapi/linux/if.h), in bit order.
std::vector<std::string> link_flag_names(std::uint32_t flags);

/// The IFF_* bits set in `flags` as Interface::known_flags_set: bit k for known_link_flags()[k].
/// Bits this code has no name for are left out, as link_flag_names() leaves them out.
std::uint64_t link_flag_bits(std::uint32_t flags);

/// Every IFF_* name link_flag_names() can return, in the same order (Interface::known_flags): a
/// static table.
std::span<const std::string_view> known_link_flags();

}  // namespace ifmib::platform::netlink
