#pragma once
// Hand-built netlink messages for the netlink parser tests. Written against the uapi structs
// directly (nlmsghdr, nlattr) and independent of the code under test, so a synthetic fixture
// means what the kernel headers say it means.

#include <linux/netlink.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

namespace ifmib::test {

/// Builds one netlink message: header, family header, then attributes (nests allowed).
class NetlinkMessage {
 public:
  explicit NetlinkMessage(std::uint16_t type, std::uint16_t flags = NLM_F_MULTI, std::uint32_t seq = 1,
                          std::uint32_t pid = 0) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    h.nlmsg_seq = seq;
    h.nlmsg_pid = pid;
    append(&h, sizeof h);
  }

  /// Appends a fixed struct (ifinfomsg, tcmsg, ifaddrmsg, nlmsgerr, an int...) padded to 4 bytes.
  template <class T>
  NetlinkMessage& family_header(const T& value) {
    append(&value, sizeof value);
    pad();
    return *this;
  }

  NetlinkMessage& attr(std::uint16_t type, const void* data, std::size_t length) {
    nlattr a{};
    a.nla_type = type;
    a.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + length);
    append(&a, sizeof a);
    append(data, length);
    pad();
    return *this;
  }
  template <class T>
  NetlinkMessage& attr_value(std::uint16_t type, const T& value) {
    return attr(type, &value, sizeof value);
  }
  NetlinkMessage& attr_string(std::uint16_t type, const std::string& text) {
    return attr(type, text.c_str(), text.size() + 1);  // with the NUL, as nla_put_string does
  }
  NetlinkMessage& begin_nest(std::uint16_t type) {
    nests_.push_back(bytes_.size());
    nlattr a{};
    a.nla_type = static_cast<std::uint16_t>(type | NLA_F_NESTED);
    append(&a, sizeof a);
    return *this;
  }
  NetlinkMessage& end_nest() {
    const std::size_t start = nests_.back();
    nests_.pop_back();
    const auto length = static_cast<std::uint16_t>(bytes_.size() - start);
    std::memcpy(bytes_.data() + start + offsetof(nlattr, nla_len), &length, sizeof length);
    return *this;
  }

  /// The finished message with nlmsg_len set.
  std::vector<std::uint8_t> bytes() const {
    std::vector<std::uint8_t> out = bytes_;
    const auto length = static_cast<std::uint32_t>(out.size());
    std::memcpy(out.data() + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
    return out;
  }

 private:
  void append(const void* data, std::size_t length) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + length);
  }
  void pad() { bytes_.resize((bytes_.size() + 3) & ~std::size_t{3}, 0); }

  std::vector<std::uint8_t> bytes_;
  std::vector<std::size_t> nests_;
};

/// Concatenates finished messages into one dump byte stream.
inline std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

/// The offsets of the messages of `bytes`, a well-formed dump (whole, aligned messages, such as a
/// captured fixture): where tests change one message's header.
inline std::vector<std::size_t> message_offsets(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::size_t> offsets;
  for (std::size_t at = 0; at + sizeof(nlmsghdr) <= bytes.size();) {
    offsets.push_back(at);
    nlmsghdr h;
    std::memcpy(&h, bytes.data() + at, sizeof h);
    at += NLMSG_ALIGN(h.nlmsg_len);
  }
  return offsets;
}

/// Writes `value` over the header field at `field` (an offsetof(nlmsghdr, ...)) of the message at
/// `message`.
template <class Field>
void set_header_field(std::vector<std::uint8_t>& bytes, std::size_t message, std::size_t field, Field value) {
  std::memcpy(bytes.data() + message + field, &value, sizeof value);
}

/// NLMSG_ERROR carrying -err.
inline std::vector<std::uint8_t> error_message(int err, std::uint32_t seq = 1, std::uint32_t pid = 0) {
  nlmsgerr e{};
  e.error = -err;
  return NetlinkMessage(NLMSG_ERROR, 0, seq, pid).family_header(e).bytes();
}

/// NLMSG_DONE carrying `status` (0 for a clean end).
inline std::vector<std::uint8_t> done_message(int status = 0, std::uint32_t seq = 1, std::uint32_t pid = 0) {
  return NetlinkMessage(NLMSG_DONE, NLM_F_MULTI, seq, pid).family_header(status).bytes();
}

}  // namespace ifmib::test
