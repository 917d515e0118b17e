// Tests for platform/linux/netlink_socket: the DumpAssembler state machine on hand-built
// datagrams, and dump() against this host's kernel.

#include "platform/linux/netlink_socket.h"

#include <doctest/doctest.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <cerrno>
#include <future>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "platform/linux/link_dump_parser.h"
#include "platform/linux/mcast_dump_parser.h"
#include "platform/linux/netlink_message.h"
#include "platform/linux/qdisc_dump_parser.h"
#include "tests/unit/linux/netlink_test_builder.h"

namespace netlink = ifmib::platform::netlink;
using ifmib::test::concat;
using ifmib::test::done_message;
using ifmib::test::error_message;
using ifmib::test::NetlinkMessage;

namespace {

constexpr std::uint32_t kSeq = 4242;
constexpr std::uint32_t kPort = 777;

std::vector<std::uint8_t> data_message(std::uint32_t ifindex, std::uint32_t seq = kSeq, std::uint32_t pid = kPort,
                                       std::uint16_t flags = NLM_F_MULTI) {
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET6;
  ifa.ifa_index = ifindex;
  return NetlinkMessage(RTM_GETMULTICAST, flags, seq, pid).family_header(ifa).bytes();
}

}  // namespace

TEST_CASE("dump assembler: messages across datagrams, DONE excluded") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  const auto a = data_message(1);
  const auto b = data_message(2);
  const auto c = data_message(3);
  auto first = assembler.feed(concat({a, b}));
  REQUIRE(first);
  CHECK_FALSE(*first);
  auto second = assembler.feed(concat({c, done_message(0, kSeq, kPort)}));
  REQUIRE(second);
  CHECK(*second);
  CHECK_FALSE(assembler.interrupted());
  CHECK(assembler.messages() == concat({a, b, c}));
}

TEST_CASE("dump assembler: foreign sequence numbers and ports are skipped") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  const auto ours = data_message(1);
  const auto kernel_broadcast = data_message(2, kSeq, 0);  // pid 0 = from the kernel itself
  auto fed = assembler.feed(concat({data_message(9, kSeq + 1), ours, data_message(8, kSeq, kPort + 1),
                                    kernel_broadcast, error_message(EPERM, kSeq - 1, kPort),
                                    done_message(-EIO, kSeq, kPort + 5), done_message(0, kSeq, kPort)}));
  REQUIRE_MESSAGE(fed, (fed ? "" : fed.error().text()));
  CHECK(*fed);
  CHECK(assembler.messages() == concat({ours, kernel_broadcast}));
}

TEST_CASE("dump assembler: NLMSG_ERROR gives the kernel's errno") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  auto fed = assembler.feed(error_message(EOPNOTSUPP, kSeq, kPort));
  REQUIRE_FALSE(fed);
  CHECK(fed.error().sys_errno == EOPNOTSUPP);
  CHECK(netlink::is_unsupported(fed.error()));
}

TEST_CASE("NLMSG_ERROR: INT_MIN, which cannot be negated, maps to EPROTO (found by mcast_dump_fuzz)") {
  CHECK(netlink::errno_of_nlmsgerr(-EPERM) == EPERM);
  CHECK(netlink::errno_of_nlmsgerr(EPERM) == EPERM);
  CHECK(netlink::errno_of_nlmsgerr(std::numeric_limits<int>::min()) == EPROTO);
  netlink::DumpAssembler assembler(kSeq, kPort);
  nlmsgerr e{};
  e.error = std::numeric_limits<int>::min();
  auto fed = assembler.feed(NetlinkMessage(NLMSG_ERROR, 0, kSeq, kPort).family_header(e).bytes());
  REQUIRE_FALSE(fed);
  CHECK(fed.error().sys_errno == EPROTO);
}

TEST_CASE("dump assembler: an ACK (error 0) is not an error") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  auto fed = assembler.feed(concat({error_message(0, kSeq, kPort), data_message(1)}));
  REQUIRE(fed);
  CHECK_FALSE(*fed);
  CHECK(assembler.messages() == data_message(1));
}

TEST_CASE("dump assembler: NLMSG_DONE with an embedded error") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  auto fed = assembler.feed(concat({data_message(1), done_message(-EMSGSIZE, kSeq, kPort)}));
  REQUIRE_FALSE(fed);
  CHECK(fed.error().sys_errno == EMSGSIZE);
  CHECK_FALSE(netlink::is_unsupported(fed.error()));
}

TEST_CASE("dump assembler: NLM_F_DUMP_INTR marks the attempt interrupted") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  auto fed = assembler.feed(concat({data_message(1), data_message(2, kSeq, kPort, NLM_F_MULTI | NLM_F_DUMP_INTR),
                                    done_message(0, kSeq, kPort)}));
  REQUIRE(fed);
  CHECK(assembler.interrupted());
}

TEST_CASE("dump assembler: a datagram ending in a partial message is an error") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  auto bytes = concat({data_message(1), data_message(2)});
  bytes.resize(bytes.size() - 6);
  CHECK_FALSE(assembler.feed(bytes));
}

TEST_CASE("dump assembler: NLMSG_DONE without a payload (pre-2.6.x kernels) ends the dump") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  auto fed = assembler.feed(NetlinkMessage(NLMSG_DONE, NLM_F_MULTI, kSeq, kPort).bytes());
  REQUIRE(fed);
  CHECK(*fed);
  CHECK(assembler.messages().empty());
}

TEST_CASE("dump assembler: a datagram of data messages only is kept whole, a last message without padding padded") {
  // The kernel pads every message (nlmsg_put), but a datagram may legally end right after the
  // last message's nlmsg_len bytes; the kept copy pads it as a message-by-message copy would.
  const std::uint8_t one_byte = 7;
  auto odd = NetlinkMessage(RTM_GETMULTICAST, NLM_F_MULTI, kSeq, kPort).family_header(ifaddrmsg{}).attr(1, &one_byte, 1).bytes();
  REQUIRE(odd.size() % 4 == 0);
  const auto unpadded_length = static_cast<std::uint32_t>(odd.size() - 3);
  std::memcpy(odd.data() + offsetof(nlmsghdr, nlmsg_len), &unpadded_length, sizeof unpadded_length);
  auto datagram = concat({data_message(1), data_message(2), odd});
  datagram.resize(datagram.size() - 3);

  netlink::DumpAssembler assembler(kSeq, kPort);
  auto fed = assembler.feed(datagram);
  REQUIRE_MESSAGE(fed, (fed ? "" : fed.error().text()));
  CHECK_FALSE(*fed);
  auto expected = concat({data_message(1), data_message(2), odd});
  std::fill(expected.end() - 3, expected.end(), std::uint8_t{0});
  CHECK(assembler.messages() == expected);
  auto done = assembler.feed(done_message(0, kSeq, kPort));
  REQUIRE(done);
  CHECK(*done);
  CHECK(assembler.messages() == expected);
}

TEST_CASE("dump assembler: one foreign message among data keeps the datagram from being kept whole") {
  netlink::DumpAssembler assembler(kSeq, kPort);
  const auto stale = data_message(5, kSeq - 1);
  auto fed = assembler.feed(concat({data_message(1), stale, data_message(2)}));
  REQUIRE(fed);
  CHECK(assembler.messages() == concat({data_message(1), data_message(2)}));
}

TEST_CASE("live kernel: DumpSockets reuses a socket after a clean dump and answers as a fresh socket does") {
  netlink::DumpSockets sockets;
  CHECK(sockets.idle() == 0);
  const auto names = [](const ifmib::Result<netlink::DumpBytes>& bytes) {
    std::vector<std::pair<std::uint32_t, std::string>> out;
    REQUIRE_MESSAGE(bytes, (bytes ? "" : bytes.error().text()));
    const auto rows = netlink::parse_link_dump(*bytes);
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    for (const auto& r : *rows) out.emplace_back(r.interface.index, r.interface.name);
    return out;
  };
  const auto fresh = names(netlink::dump(netlink::DumpRequest::links()));
  for (int round = 0; round < 5; ++round) {
    const auto links = sockets.dump(netlink::DumpRequest::links());
    CHECK(names(links) == fresh);
    CHECK(links->message_count() == netlink::count_messages(*links));  // what parsers size rows by
    CHECK(sockets.idle() == 1);  // the same socket each time
    // Another kind of dump on the same socket: a new sequence number, nothing of the last one.
    const auto qdiscs = sockets.dump(netlink::DumpRequest::qdiscs());
    REQUIRE_MESSAGE(qdiscs, (qdiscs ? "" : qdiscs.error().text()));
    CHECK(netlink::parse_qdisc_dump(*qdiscs));
    CHECK(sockets.idle() == 1);
  }
  // A request the kernel rejects (RTM_GETMULTICAST of a family that has no such dump) ends in
  // NLMSG_ERROR, and its socket is not kept.
  netlink::DumpRequest bogus = netlink::DumpRequest::inet6_multicast();
  bogus.family = 250;
  const auto rejected = sockets.dump(bogus);
  REQUIRE_FALSE(rejected);
  CHECK(netlink::is_unsupported(rejected.error()));
  CHECK(sockets.idle() == 0);
  CHECK(names(sockets.dump(netlink::DumpRequest::links())) == fresh);
}

TEST_CASE("live kernel: DumpSockets under 16 concurrent dumpers keeps at most kMaxIdleDumpSockets, every dump whole") {
  netlink::DumpSockets sockets;
  const auto fresh = netlink::dump(netlink::DumpRequest::links());
  REQUIRE(fresh);
  const auto count = netlink::parse_link_dump(*fresh)->size();
  std::vector<std::future<bool>> runs;
  for (int i = 0; i < 16; ++i) {
    runs.push_back(std::async(std::launch::async, [&sockets, count] {
      for (int round = 0; round < 10; ++round) {
        const auto bytes = sockets.dump(netlink::DumpRequest::links());
        if (!bytes) return false;
        const auto rows = netlink::parse_link_dump(*bytes);
        if (!rows || rows->size() != count) return false;
      }
      return true;
    }));
  }
  for (auto& run : runs) CHECK(run.get());
  CHECK(sockets.idle() >= 1);
  CHECK(sockets.idle() <= netlink::kMaxIdleDumpSockets);
}

TEST_CASE("dump assembler: datagrams received in place give what feeding copies gives") {
  // The socket receives each datagram into the assembler's own buffer (receive_area); data
  // datagrams stay there, others go message by message. Same messages as feed() either way.
  const std::uint8_t one_byte = 7;
  auto odd = NetlinkMessage(RTM_GETMULTICAST, NLM_F_MULTI, kSeq, kPort).family_header(ifaddrmsg{}).attr(1, &one_byte, 1).bytes();
  const auto unpadded_length = static_cast<std::uint32_t>(odd.size() - 3);
  std::memcpy(odd.data() + offsetof(nlmsghdr, nlmsg_len), &unpadded_length, sizeof unpadded_length);
  auto unpadded_end = concat({data_message(3), odd});
  unpadded_end.resize(unpadded_end.size() - 3);
  const std::vector<std::vector<std::uint8_t>> datagrams = {
      concat({data_message(1), data_message(2)}),
      unpadded_end,
      concat({data_message(4), data_message(5, kSeq - 1), data_message(6)}),  // a stale reply among them
      concat({error_message(0, kSeq, kPort), data_message(7)}),               // an ACK first
      concat({data_message(8), done_message(0, kSeq, kPort)}),
  };
  netlink::DumpAssembler copied(kSeq, kPort), in_place(kSeq, kPort);
  for (std::size_t d = 0; d < datagrams.size(); ++d) {
    CAPTURE(d);
    const auto& datagram = datagrams[d];
    auto a = copied.feed(datagram);
    std::memcpy(in_place.receive_area(4096), datagram.data(), datagram.size());
    auto b = in_place.feed_received(datagram.size());
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a == *b);
    CHECK(*b == (d + 1 == datagrams.size()));
    CHECK(in_place.messages() == std::span<const std::uint8_t>(copied.messages()));
    // Counted as kept, whichever path: what a walk of the kept bytes counts.
    CHECK(in_place.messages().message_count() == netlink::count_messages(in_place.messages()));
    CHECK(copied.messages().message_count() == netlink::count_messages(copied.messages()));
  }
  // A datagram cut short is an error in place too.
  netlink::DumpAssembler cut(kSeq, kPort);
  const auto whole = concat({data_message(1), data_message(2)});
  std::memcpy(cut.receive_area(whole.size()), whole.data(), whole.size());
  CHECK_FALSE(cut.feed_received(whole.size() - 6));
}

TEST_CASE("live kernel: link dump of this host includes lo with index 1") {
  const auto bytes = netlink::dump(netlink::DumpRequest::links());
  REQUIRE_MESSAGE(bytes, (bytes ? "" : bytes.error().text()));
  const auto rows = netlink::parse_link_dump(*bytes);
  REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
  const auto lo = std::find_if(rows->begin(), rows->end(), [](const auto& r) { return r.interface.name == "lo"; });
  REQUIRE(lo != rows->end());
  CHECK(lo->interface.index == 1);
  CHECK(lo->interface.type == "loopback");
}

TEST_CASE("live kernel: qdisc and IPv6 multicast dumps parse") {
  const auto qdiscs = netlink::dump(netlink::DumpRequest::qdiscs());
  REQUIRE_MESSAGE(qdiscs, (qdiscs ? "" : qdiscs.error().text()));
  CHECK(netlink::parse_qdisc_dump(*qdiscs));

  const auto groups = netlink::dump(netlink::DumpRequest::inet6_multicast());
  REQUIRE_MESSAGE(groups, (groups ? "" : groups.error().text()));
  CHECK(netlink::parse_mcast_dump(*groups));
}

TEST_CASE("live kernel: IPv4 multicast dump works or is recognisably unsupported") {
  const auto groups = netlink::dump(netlink::DumpRequest::inet_multicast());
  if (groups) {
    const auto rows = netlink::parse_mcast_dump(*groups);
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    // lo joins 224.0.0.1 whenever it is up, on every kernel that answers this dump.
    CHECK(std::any_of(rows->begin(), rows->end(), [](const auto& r) { return ifmib::platform::address_text(r.family, r.group) == "224.0.0.1"; }));
  } else {
    MESSAGE("RTM_GETMULTICAST AF_INET: " << groups.error().text());
    CHECK(netlink::is_unsupported(groups.error()));
  }
}

TEST_CASE("live kernel: datagrams larger than the receive buffer make the dump start over, not fail") {
  // The kernel's first datagram of a dump is about a page, later ones up to 32 KiB: a 64-byte
  // buffer truncates the first, and the attempt after it must still give every interface.
  const auto whole = netlink::dump(netlink::DumpRequest::links());
  REQUIRE_MESSAGE(whole, (whole ? "" : whole.error().text()));
  const auto small = netlink::dump_with_buffer(netlink::DumpRequest::links(), 64);
  REQUIRE_MESSAGE(small, (small ? "" : small.error().text()));
  const auto names = [](const netlink::DumpBytes& bytes) {
    std::vector<std::pair<std::uint32_t, std::string>> out;
    const auto rows = netlink::parse_link_dump(bytes);
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().text()));
    for (const auto& r : *rows) out.emplace_back(r.interface.index, r.interface.name);
    return out;
  };
  CHECK(names(*small) == names(*whole));

  const auto qdiscs = netlink::dump_with_buffer(netlink::DumpRequest::qdiscs(), 64);
  REQUIRE_MESSAGE(qdiscs, (qdiscs ? "" : qdiscs.error().text()));
  CHECK(netlink::parse_qdisc_dump(*qdiscs));
}

TEST_CASE("live kernel: dumps are re-entrant") {
  std::vector<std::future<bool>> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(std::async(std::launch::async, [] {
      const auto bytes = netlink::dump(netlink::DumpRequest::links());
      return bytes && netlink::parse_link_dump(*bytes).ok();
    }));
  }
  for (auto& run : runs) CHECK(run.get());
}
