#include "platform/linux/netlink_message.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace ifmib::platform::netlink {

namespace {

// Both failure paths stay out of line, so that the walk below keeps its state in registers.
[[gnu::cold, gnu::noinline]] Error malformed_at(std::size_t offset) {
  return Error::invalid("attributes", "truncated or malformed attribute at offset " + std::to_string(offset));
}

// The rule of `type` holds for `attr`, else the error.
[[gnu::cold, gnu::noinline]] Status check_rule(const nlattr* attr, std::uint16_t type, const AttributeRule& rule) {
  const std::size_t length = mnl_attr_get_payload_len(attr);
  if (rule.type != MNL_TYPE_UNSPEC && mnl_attr_validate(attr, rule.type) < 0) {
    Error error = Error::from_errno("attribute " + std::to_string(type), errno);
    error.detail = "payload of " + std::to_string(length) + " bytes fails validation";
    return error;
  }
  if (length < rule.min_length) {
    return Error::invalid("attribute " + std::to_string(type), "payload of " + std::to_string(length) +
                                                                   " bytes, expected at least " +
                                                                   std::to_string(rule.min_length));
  }
  return ok_status();
}

}  // namespace

Status parse_attributes(const void* payload, std::size_t length, std::span<const nlattr*> table,
                        std::span<const AttributeRule> rules) {
  for (auto& slot : table) slot = nullptr;
  // libmnl's mnl_attr_for_each_payload walk, written out: its calls per attribute were most of
  // the cost of parsing a link dump (some 50 attributes per interface), and so were ours to
  // libmnl's accessors and validator (AttributeRule::accepts() instead). One pass that fails on
  // the first truncated attribute (libmnl's own walk stops silently there); a failure leaves the
  // table half filled, and callers use it only on success.
  const auto* const begin = static_cast<const std::uint8_t*>(payload);
  for (std::size_t offset = 0; offset < length;) {
    const std::size_t left = length - offset;
    if (left < sizeof(nlattr)) return malformed_at(offset);
    nlattr header;
    std::memcpy(&header, begin + offset, sizeof header);
    if (header.nla_len < sizeof(nlattr) || header.nla_len > left) return malformed_at(offset);
    const std::uint16_t type = header.nla_type & NLA_TYPE_MASK;  // mnl_attr_get_type()
    if (type < table.size()) {
      const auto* attr = reinterpret_cast<const nlattr*>(begin + offset);
      // Most attributes of a dump have no rule (the parser does not read them) and pass; the
      // full check runs only to word a failure.
      if (type < rules.size() && !rules[type].accepts(header.nla_len - MNL_ATTR_HDRLEN)) {
        if (auto status = check_rule(attr, type, rules[type]); !status) return status;
      }
      table[type] = attr;
    }
    offset += MNL_ALIGN(header.nla_len);
  }
  return ok_status();
}

Status for_each_message(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint16_t> accepted,
                        const std::function<Status(const nlmsghdr&)>& on_message) {
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(nlmsghdr) != 0) {
    return Error::invalid("dump bytes", "buffer is not aligned for struct nlmsghdr");
  }
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
  int left = static_cast<int>(bytes.size());
  // Not mnl_nlmsg_ok(): it compares (int)nlmsg_len, so a length of 2^31 or more passes as
  // negative and mnl_nlmsg_next() then jumps far outside the buffer. Compare unsigned.
  const auto whole = [](const nlmsghdr* h, int n) {
    return n >= static_cast<int>(sizeof(nlmsghdr)) && h->nlmsg_len >= sizeof(nlmsghdr) &&
           h->nlmsg_len <= static_cast<unsigned>(n);
  };
  std::size_t index = 0;
  for (; whole(nlh, left); nlh = mnl_nlmsg_next(nlh, &left), ++index) {
    // Built only for an error: one string per message was a visible share of parsing a dump.
    const auto where = [index] { return "message " + std::to_string(index); };
    if (nlh->nlmsg_type == NLMSG_NOOP) continue;
    if (nlh->nlmsg_type == NLMSG_DONE) return ok_status();
    if (nlh->nlmsg_type == NLMSG_ERROR) {
      int err = 0;
      if (mnl_nlmsg_get_payload_len(nlh) >= sizeof err) std::memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof err);
      return Error{where(), errno_of_nlmsgerr(err), "NLMSG_ERROR inside the dump"};
    }
    bool wanted = false;
    for (auto type : accepted) wanted = wanted || nlh->nlmsg_type == type;
    if (!wanted) return Error::invalid(where(), "unexpected message type " + std::to_string(nlh->nlmsg_type));
    if (auto status = on_message(*nlh); !status) return status.error().within(where());
  }
  if (left > 0) {
    return Error::invalid("message " + std::to_string(index),
                          "truncated: " + std::to_string(left) + " trailing bytes do not hold a whole message");
  }
  return ok_status();
}

bool same_messages(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  std::size_t offset = 0;
  while (offset < a.size()) {
    if (a.size() - offset < sizeof(nlmsghdr)) return false;
    nlmsghdr ha, hb;
    std::memcpy(&ha, a.data() + offset, sizeof ha);
    std::memcpy(&hb, b.data() + offset, sizeof hb);
    if (ha.nlmsg_len != hb.nlmsg_len || ha.nlmsg_type != hb.nlmsg_type || ha.nlmsg_flags != hb.nlmsg_flags) {
      return false;
    }
    if (ha.nlmsg_len < sizeof(nlmsghdr) || ha.nlmsg_len > a.size() - offset) return false;
    const std::size_t body = offset + sizeof(nlmsghdr);
    const std::size_t end = offset + ha.nlmsg_len;
    if (std::memcmp(a.data() + body, b.data() + body, end - body) != 0) return false;
    // The padding to the next message (NLMSG_ALIGN) is compared with it, or with nothing at the end.
    offset = std::min(a.size(), (end + NLMSG_ALIGNTO - 1) / NLMSG_ALIGNTO * NLMSG_ALIGNTO);
    if (std::memcmp(a.data() + end, b.data() + end, offset - end) != 0) return false;
  }
  return true;
}

std::size_t count_messages(std::span<const std::uint8_t> bytes) {
  std::size_t count = 0;
  std::size_t offset = 0;
  while (bytes.size() - offset >= sizeof(nlmsghdr)) {
    std::uint32_t length = 0;
    std::memcpy(&length, bytes.data() + offset, sizeof length);  // nlmsg_len, the first field
    if (length < sizeof(nlmsghdr) || length > bytes.size() - offset) break;
    ++count;
    offset += std::min<std::size_t>(NLMSG_ALIGN(length), bytes.size() - offset);
  }
  return count;
}

int errno_of_nlmsgerr(int error) {
  if (error == std::numeric_limits<int>::min()) return EPROTO;
  return error < 0 ? -error : error;
}

std::string attribute_string(const nlattr* attr) {
  const auto* data = reinterpret_cast<const char*>(attribute_payload(attr));
  const std::size_t length = attribute_payload_length(attr);
  return std::string(data, strnlen(data, length));
}

}  // namespace ifmib::platform::netlink
