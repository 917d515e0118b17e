#pragma once
// Shared walking and validation of rtnetlink dump bytes (the output of netlink::dump()) for the
// *_dump_parser files. Pure functions of bytes; no socket, no allocation beyond the caller's.

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace ifmib::platform::netlink {

/// How one attribute type must look. `type` is checked with mnl_attr_validate (which, for the
/// fixed-size scalar types, requires the exact size); `min_length` is a lower bound on the
/// payload for variable-length structs that newer kernels extend at the end
/// (e.g. struct rtnl_link_stats64). MNL_TYPE_UNSPEC with min_length 0 accepts anything.
struct AttributeRule {
  mnl_attr_data_type type = MNL_TYPE_UNSPEC;
  std::size_t min_length = 0;
  /// The payload lengths that pass both checks, worked out once from the two fields above, so
  /// that parse_attributes() checks each attribute with two comparisons (mnl_attr_validate's
  /// call per attribute was a tenth of parsing a link dump) and calls the full check only to
  /// word a failure. NESTED also accepts an empty payload (`empty_ok`).
  std::size_t shortest = 0;
  std::size_t longest = SIZE_MAX;
  bool empty_ok = false;

  constexpr AttributeRule() = default;
  constexpr AttributeRule(mnl_attr_data_type t, std::size_t min)  // NOLINT: `rules[x] = {type, min}` on purpose
      : type(t), min_length(min), shortest(min) {
    // libmnl's mnl_attr_validate(), as its source words it: fixed-size integers need their exact
    // size, strings at least one byte, a nested payload none or at least one attribute header.
    std::size_t exact = 0;
    switch (t) {
      case MNL_TYPE_U8: exact = 1; break;
      case MNL_TYPE_U16: exact = 2; break;
      case MNL_TYPE_U32: exact = 4; break;
      case MNL_TYPE_U64: exact = 8; break;
      case MNL_TYPE_STRING: shortest = shortest < 1 ? 1 : shortest; break;
      case MNL_TYPE_NESTED:
        shortest = shortest < MNL_ATTR_HDRLEN ? MNL_ATTR_HDRLEN : shortest;
        empty_ok = min == 0;
        break;
      case MNL_TYPE_UNSPEC: break;
      default: throw "parse_attributes has no fast check for this type";
    }
    if (exact != 0) {
      if (min > exact) throw "min_length above the type's size";
      shortest = longest = exact;
    }
  }

  /// Whether a payload of `length` bytes passes (both checks of check_rule).
  constexpr bool accepts(std::size_t length) const {
    return (length >= shortest && length <= longest) || (empty_ok && length == 0);
  }
};

/// Fills `table[type]` with each attribute found in `payload` (nullptr when absent; the last
/// one wins on duplicates). Types >= table.size() are ignored (newer kernels add attributes).
/// `rules[type]` (when type < rules.size()) is enforced. Fails when an attribute header or
/// length runs past the payload, when bytes are left over after the last attribute, or when a
/// rule is broken; the table is then half filled, and must not be used (every caller returns
/// the error).
Status parse_attributes(const void* payload, std::size_t length, std::span<const nlattr*> table,
                        std::span<const AttributeRule> rules);

/// `bytes` must start 4-byte aligned (any std::vector buffer is); otherwise an Error.
/// Calls `on_message` for every message in dump bytes whose type is in `accepted`.
/// NLMSG_NOOP is skipped and NLMSG_DONE ends the walk (dump() never includes it, but a byte
/// stream saved by another tool may). NLMSG_ERROR, any other message type, or a message
/// truncated by the end of the bytes is an Error. Stops at the first Error from `on_message`.
Status for_each_message(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint16_t> accepted,
                        const std::function<Status(const nlmsghdr&)>& on_message);

/// Whether `a` and `b` hold the same messages byte for byte, but for each header's nlmsg_seq and
/// nlmsg_pid (a new request's numbers): two dumps of a kernel state that did not change. False
/// when either is not a whole run of messages.
bool same_messages(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

/// Where in a dump a message is, for error context: "<message> ifindex <n>". Built only when an
/// error needs it.
struct MessagePlace {
  const char* message;  // "RTM_NEWLINK", ...
  long long ifindex;

  std::string text() const { return std::string(message) + " ifindex " + std::to_string(ifindex); }
};

/// The shape of an rtnetlink dump whose messages are a family header (ifinfomsg, tcmsg,
/// ifaddrmsg, ...) followed by attributes.
struct DumpFormat {
  const char* dump;         // error context of the whole dump: "link dump"
  const char* message;      // "RTM_NEWLINK"
  const char* header_name;  // "struct ifinfomsg"
};

/// How many whole messages `bytes` holds from its start (any type): room for the rows of a dump
/// before decoding it, so that they are built in place and never moved by a growing vector.
std::size_t count_messages(std::span<const std::uint8_t> bytes);

/// The one walk of the *_dump_parser files: for every message of `bytes` whose type is in
/// `accepted` (for_each_message() rules), checks that the payload holds a `Header`, copies it,
/// fills and validates the attribute table after it (parse_attributes() with `rules`), and
/// appends a row that `decode(header, table, place, row)` (returning a Status) fills in place:
/// a row of some 500 bytes moved out of a Result, then into the vector, was a tenth of parsing
/// a link dump. The first Error fails the whole dump, with the message's place and
/// `format.dump` as context.
/// `messages`: how many messages `bytes` holds when the caller knows (DumpBytes::message_count),
/// else 0 and they are counted here.
template <class Row, class Header, std::size_t N, class IfindexOf, class Decode>
Result<std::vector<Row>> parse_dump(std::span<const std::uint8_t> bytes, std::size_t messages,
                                    std::initializer_list<std::uint16_t> accepted, const DumpFormat& format,
                                    const std::array<AttributeRule, N>& rules, IfindexOf ifindex_of, Decode decode) {
  std::vector<Row> rows;
  rows.reserve(messages != 0 ? messages : count_messages(bytes));
  auto status = for_each_message(bytes, accepted, [&](const nlmsghdr& nlh) -> Status {
    const std::size_t length = mnl_nlmsg_get_payload_len(&nlh);
    if (length < sizeof(Header)) {
      return Error::invalid(format.message, std::string("shorter than ") + format.header_name);
    }
    Header header{};
    std::memcpy(&header, mnl_nlmsg_get_payload(&nlh), sizeof header);
    const MessagePlace place{format.message, static_cast<long long>(ifindex_of(header))};
    std::array<const nlattr*, N> table;  // parse_attributes() clears it first
    const std::size_t offset = MNL_ALIGN(sizeof(Header));
    if (auto parsed = parse_attributes(static_cast<const std::uint8_t*>(mnl_nlmsg_get_payload(&nlh)) + offset,
                                       length - offset, table, rules);
        !parsed) {
      return parsed.error().within(place.text());
    }
    // On an Error the half-filled row stays, but so do the other rows: the caller gets only the Error.
    return decode(header, table, place, rows.emplace_back());
  });
  if (!status) return status.error().within(format.dump);
  return rows;
}

/// The positive errno carried by an NLMSG_ERROR (the kernel sends it negated). Bytes from
/// elsewhere may hold any int: INT_MIN cannot be negated, and it maps to EPROTO.
int errno_of_nlmsgerr(int error);

/// The attribute payload as text: bytes up to the first NUL (or the whole payload), kept as-is.
std::string attribute_string(const nlattr* attr);

/// The attribute's payload and its length, as libmnl's mnl_attr_get_payload() and
/// mnl_attr_get_payload_len() give them, inline: those are calls into the shared library, and a
/// call per field read (some 30 per link message) was a visible share of decoding a link dump.
inline const std::uint8_t* attribute_payload(const nlattr* attr) {
  return reinterpret_cast<const std::uint8_t*>(attr) + MNL_ATTR_HDRLEN;
}
inline std::size_t attribute_payload_length(const nlattr* attr) { return attr->nla_len - MNL_ATTR_HDRLEN; }

/// Reads a native-endian integer of type T at `offset` into the attribute payload; the caller
/// has checked the length (AttributeRule).
template <class T>
T attribute_field(const nlattr* attr, std::size_t offset = 0) {
  T value{};
  std::memcpy(&value, attribute_payload(attr) + offset, sizeof value);
  return value;
}

}  // namespace ifmib::platform::netlink
