// Tests for platform/linux/netlink_message: the dump walker on hostile message lengths
// (regressions from fuzz/, see fuzz/regressions/).

#include "platform/linux/netlink_message.h"

#include <doctest/doctest.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <vector>

#include "platform/linux/mcast_dump_parser.h"
#include "platform/linux/qdisc_dump_parser.h"
#include "tests/support/fixtures.h"

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
