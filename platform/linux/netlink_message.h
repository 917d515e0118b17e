#pragma once
// Shared walking and validation of rtnetlink dump bytes (the output of netlink::dump()) for the
// *_dump_parser files. Pure functions of bytes; no socket, no allocation beyond the caller's.

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>

#include "base/result.h"

namespace ifmib::platform::netlink {

/// How one attribute type must look. `type` is checked with mnl_attr_validate (which, for the
/// fixed-size scalar types, requires the exact size); `min_length` is a lower bound on the
/// payload for variable-length structs that newer kernels extend at the end
/// (e.g. struct rtnl_link_stats64). MNL_TYPE_UNSPEC with min_length 0 accepts anything.
struct AttributeRule {
  mnl_attr_data_type type = MNL_TYPE_UNSPEC;
  std::size_t min_length = 0;
};

/// Fills `table[type]` with each attribute found in `payload` (nullptr when absent; the last
/// one wins on duplicates). Types >= table.size() are ignored (newer kernels add attributes).
/// `rules[type]` (when type < rules.size()) is enforced. Fails when an attribute header or
/// length runs past the payload, when bytes are left over after the last attribute, or when a
/// rule is broken: callers never see a half-validated table.
Status parse_attributes(const void* payload, std::size_t length, std::span<const nlattr*> table,
                        std::span<const AttributeRule> rules);

/// `bytes` must start 4-byte aligned (any std::vector buffer is); otherwise an Error.
/// Calls `on_message` for every message in dump bytes whose type is in `accepted`.
/// NLMSG_NOOP is skipped and NLMSG_DONE ends the walk (dump() never includes it, but a byte
/// stream saved by another tool may). NLMSG_ERROR, any other message type, or a message
/// truncated by the end of the bytes is an Error. Stops at the first Error from `on_message`.
Status for_each_message(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint16_t> accepted,
                        const std::function<Status(const nlmsghdr&)>& on_message);

/// The positive errno carried by an NLMSG_ERROR (the kernel sends it negated). Bytes from
/// elsewhere may hold any int: INT_MIN cannot be negated, and it maps to EPROTO.
int errno_of_nlmsgerr(int error);

/// The attribute payload as text: bytes up to the first NUL (or the whole payload), kept as-is.
std::string attribute_string(const nlattr* attr);

/// Reads a native-endian integer of type T at `offset` into the attribute payload; the caller
/// has checked the length (AttributeRule).
template <class T>
T attribute_field(const nlattr* attr, std::size_t offset) {
  T value{};
  std::memcpy(&value, static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr)) + offset, sizeof value);
  return value;
}

}  // namespace ifmib::platform::netlink
