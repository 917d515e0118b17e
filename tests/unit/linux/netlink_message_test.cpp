// Tests for platform/linux/netlink_message: the dump walker on hostile message lengths
// (regressions from fuzz/, see fuzz/regressions/).

#include "platform/linux/netlink_message.h"

#include <doctest/doctest.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <vector>

#include "platform/linux/link_dump_parser.h"
#include "platform/linux/mcast_dump_parser.h"
#include "platform/linux/qdisc_dump_parser.h"
#include "tests/support/fixtures.h"
#include "tests/unit/linux/netlink_test_builder.h"

namespace netlink = ifmib::platform::netlink;

namespace {

// A bare header claiming `length` bytes, appended to `bytes`.
std::vector<std::uint8_t> with_header(std::vector<std::uint8_t> bytes, std::uint32_t length, std::uint16_t type) {
  nlmsghdr h{};
  h.nlmsg_len = length;
  h.nlmsg_type = type;
  const auto* p = reinterpret_cast<const std::uint8_t*>(&h);
  bytes.insert(bytes.end(), p, p + sizeof h);
  return bytes;
}

}  // namespace

TEST_CASE("a message length of 2^31 or more is truncation, not a jump outside the buffer") {
  for (const std::uint32_t length : {0x80000000u, 0xfffffff0u, 0xffffffffu}) {
    CAPTURE(length);
    const auto mcast = with_header(ifmib::test::read_fixture_bytes("linux/netlink_mcast4_dump.bin"), length,
                                   RTM_GETMULTICAST);
    const auto rows = netlink::parse_mcast_dump(mcast);
    REQUIRE_FALSE(rows.ok());
    CHECK(rows.error().text().find("truncated") != std::string::npos);

    const auto qdisc = with_header(ifmib::test::read_fixture_bytes("linux/netlink_qdisc_dump.bin"), length,
                                   RTM_NEWQDISC);
    CHECK_FALSE(netlink::parse_qdisc_dump(qdisc).ok());

    int calls = 0;
    const auto alone = with_header({}, length, RTM_NEWLINK);
    const auto status = netlink::for_each_message(alone, {RTM_NEWLINK}, [&](const nlmsghdr&) {
      ++calls;
      return ifmib::ok_status();
    });
    CHECK_FALSE(status.ok());
    CHECK(calls == 0);
  }
}

TEST_CASE("a last message without its alignment padding is still whole") {
  // nlmsg_len 17: one payload byte, the three padding bytes missing at the end of the buffer.
  auto bytes = with_header({}, 17, NLMSG_NOOP);
  bytes.push_back(0);
  CHECK(netlink::for_each_message(bytes, {}, [](const nlmsghdr&) { return ifmib::ok_status(); }).ok());
}

TEST_CASE("an attribute rule's quick length check agrees with libmnl's mnl_attr_validate") {
  // parse_attributes() decides with AttributeRule::accepts() and asks mnl_attr_validate only to
  // word a failure: the two must agree on every length, or a bad attribute would pass (or a good
  // one fail). libmnl is the independent judge here, for every type a parser uses.
  const mnl_attr_data_type types[] = {MNL_TYPE_UNSPEC, MNL_TYPE_U8, MNL_TYPE_U16, MNL_TYPE_U32,
                                      MNL_TYPE_U64, MNL_TYPE_STRING, MNL_TYPE_NESTED};
  const std::size_t minimums[] = {0, 1, 3, 4, 8, 20};
  for (const auto type : types) {
    for (const std::size_t min : minimums) {
      const bool fixed = type == MNL_TYPE_U8 || type == MNL_TYPE_U16 || type == MNL_TYPE_U32 || type == MNL_TYPE_U64;
      if (fixed && min != 0) continue;  // never written that way (the constructor refuses above the size)
      const netlink::AttributeRule rule{type, min};
      for (std::size_t length = 0; length <= 64; ++length) {
        alignas(nlattr) std::uint8_t buffer[MNL_ATTR_HDRLEN + 64] = {};
        auto* attr = reinterpret_cast<nlattr*>(buffer);
        attr->nla_type = 1;
        attr->nla_len = static_cast<std::uint16_t>(MNL_ATTR_HDRLEN + length);
        const bool libmnl = (type == MNL_TYPE_UNSPEC || mnl_attr_validate(attr, type) == 0) && length >= min;
        CAPTURE(type);
        CAPTURE(min);
        CAPTURE(length);
        CHECK(rule.accepts(length) == libmnl);
        // And parse_attributes() itself, which returns what check_rule() says.
        const nlattr* table[2] = {};
        const netlink::AttributeRule rules[2] = {{}, rule};
        CHECK(netlink::parse_attributes(buffer, MNL_ALIGN(attr->nla_len), table, rules).ok() == libmnl);
      }
    }
  }
}

TEST_CASE("count_messages counts the whole messages a dump's rows are reserved for") {
  const auto bytes = ifmib::test::read_fixture_bytes("linux/netlink_link_dump.bin");
  const auto rows = netlink::parse_link_dump(bytes);
  REQUIRE(rows.ok());
  CHECK(netlink::count_messages(bytes) == rows->size());
  // A cut last message is not counted, and nothing past the end is read.
  const std::span<const std::uint8_t> cut(bytes.data(), bytes.size() - 1);
  CHECK(netlink::count_messages(cut) == rows->size() - 1);
  CHECK(netlink::count_messages({}) == 0);
  CHECK(netlink::count_messages(with_header({}, 0, NLMSG_NOOP)) == 0);  // a zero length ends the walk
}

TEST_CASE("same_messages: a new request's sequence and port numbers are the same messages, any other byte is not") {
  const auto dump = ifmib::test::read_fixture_bytes("linux/netlink_mcast6_dump.bin");
  const auto offsets = ifmib::test::message_offsets(dump);
  REQUIRE(offsets.size() == 14);  // tests/unit/fixtures/linux/README.md
  CHECK(netlink::same_messages(dump, dump));
  CHECK(netlink::same_messages({}, {}));

  auto renumbered = dump;
  for (const auto at : offsets) {
    ifmib::test::set_header_field(renumbered, at, offsetof(nlmsghdr, nlmsg_seq), std::uint32_t{0xdeadbeef});
    ifmib::test::set_header_field(renumbered, at, offsetof(nlmsghdr, nlmsg_pid), std::uint32_t{4242});
  }
  REQUIRE(renumbered != dump);
  CHECK(netlink::same_messages(dump, renumbered));

  // Every other byte, one at a time, in either argument.
  std::size_t differing = 0;
  for (std::size_t i = 0; i < dump.size(); ++i) {
    const std::size_t in_message = i - *std::prev(std::upper_bound(offsets.begin(), offsets.end(), i));
    const bool numbering = in_message >= offsetof(nlmsghdr, nlmsg_seq) && in_message < sizeof(nlmsghdr);
    auto changed = dump;
    changed[i] ^= 0x01;
    CAPTURE(i);
    if (numbering) {
      CHECK(netlink::same_messages(dump, changed));
    } else {
      ++differing;
      CHECK_FALSE(netlink::same_messages(dump, changed));
      CHECK_FALSE(netlink::same_messages(changed, dump));
    }
  }
  CHECK(differing == dump.size() - 8 * offsets.size());

  // A message fewer, a cut message, a message whose length runs past the end.
  const std::vector<std::uint8_t> fewer(dump.begin(), dump.begin() + static_cast<long>(offsets.back()));
  CHECK_FALSE(netlink::same_messages(dump, fewer));
  const std::vector<std::uint8_t> cut(dump.begin(), dump.end() - 4);
  CHECK_FALSE(netlink::same_messages(cut, cut));
  auto overlong = dump;
  ifmib::test::set_header_field(overlong, offsets.back(), offsetof(nlmsghdr, nlmsg_len), std::uint32_t(dump.size()));
  CHECK_FALSE(netlink::same_messages(overlong, overlong));
}
