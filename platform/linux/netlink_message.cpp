#include "platform/linux/netlink_message.h"

#include <cerrno>
#include <cstring>
#include <limits>

namespace ifmib::platform::netlink {

namespace {

struct ParseState {
  std::span<const nlattr*> table;
  std::span<const AttributeRule> rules;
  std::optional<Error> error;
};

int on_attribute(const nlattr* attr, void* data) {
  auto& state = *static_cast<ParseState*>(data);
  const std::uint16_t type = mnl_attr_get_type(attr);
  if (type >= state.table.size()) return MNL_CB_OK;
  if (type < state.rules.size()) {
    const AttributeRule& rule = state.rules[type];
    const std::size_t length = mnl_attr_get_payload_len(attr);
    if (rule.type != MNL_TYPE_UNSPEC && mnl_attr_validate(attr, rule.type) < 0) {
      state.error = Error::from_errno("attribute " + std::to_string(type), errno);
      state.error->detail = "payload of " + std::to_string(length) + " bytes fails validation";
      return MNL_CB_ERROR;
    }
    if (length < rule.min_length) {
      state.error = Error::invalid("attribute " + std::to_string(type),
                                   "payload of " + std::to_string(length) + " bytes, expected at least " +
                                       std::to_string(rule.min_length));
      return MNL_CB_ERROR;
    }
  }
  state.table[type] = attr;
  return MNL_CB_OK;
}

}  // namespace

Status parse_attributes(const void* payload, std::size_t length, std::span<const nlattr*> table,
                        std::span<const AttributeRule> rules) {
  for (auto& slot : table) slot = nullptr;
  // libmnl's walk stops silently at the first attribute that does not fit; do the same walk
  // first and insist that it consumes the payload, so a truncated attribute is an error.
  const auto* attr = static_cast<const nlattr*>(payload);
  const auto* end = static_cast<const std::uint8_t*>(payload) + length;
  while (mnl_attr_ok(attr, static_cast<int>(end - reinterpret_cast<const std::uint8_t*>(attr)))) {
    attr = mnl_attr_next(attr);
  }
  if (reinterpret_cast<const std::uint8_t*>(attr) < end) {
    return Error::invalid("attributes", "truncated or malformed attribute at offset " +
                                            std::to_string(reinterpret_cast<const std::uint8_t*>(attr) -
                                                           static_cast<const std::uint8_t*>(payload)));
  }
  ParseState state{table, rules, std::nullopt};
  if (mnl_attr_parse_payload(payload, length, on_attribute, &state) == MNL_CB_ERROR) {
    if (state.error) return *state.error;
    return Error::from_errno("mnl_attr_parse_payload", errno);
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
    const std::string where = "message " + std::to_string(index);
    if (nlh->nlmsg_type == NLMSG_NOOP) continue;
    if (nlh->nlmsg_type == NLMSG_DONE) return ok_status();
    if (nlh->nlmsg_type == NLMSG_ERROR) {
      int err = 0;
      if (mnl_nlmsg_get_payload_len(nlh) >= sizeof err) std::memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof err);
      return Error{where, errno_of_nlmsgerr(err), "NLMSG_ERROR inside the dump"};
    }
    bool wanted = false;
    for (auto type : accepted) wanted = wanted || nlh->nlmsg_type == type;
    if (!wanted) return Error::invalid(where, "unexpected message type " + std::to_string(nlh->nlmsg_type));
    if (auto status = on_message(*nlh); !status) return status.error().within(where);
  }
  if (left > 0) {
    return Error::invalid("message " + std::to_string(index),
                          "truncated: " + std::to_string(left) + " trailing bytes do not hold a whole message");
  }
  return ok_status();
}

int errno_of_nlmsgerr(int error) {
  if (error == std::numeric_limits<int>::min()) return EPROTO;
  return error < 0 ? -error : error;
}

std::string attribute_string(const nlattr* attr) {
  const auto* data = static_cast<const char*>(mnl_attr_get_payload(attr));
  const std::size_t length = mnl_attr_get_payload_len(attr);
  return std::string(data, strnlen(data, length));
}

}  // namespace ifmib::platform::netlink
