#pragma once
// Fetching half of the Linux netlink code: send one rtnetlink dump request, collect the raw
// reply messages. Parsing lives in *_dump_parser.{h,cpp}, which take exactly the bytes returned
// here (and stored in tests/unit/fixtures/linux/*.bin).

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "platform/linux/dump_bytes.h"

struct mnl_socket;  // libmnl

namespace ifmib::platform::netlink {

/// One rtnetlink dump request: an RTM_GET* message type and the address family put in the
/// request's family header (ifinfomsg / tcmsg / ifaddrmsg all start with a family byte).
struct DumpRequest {
  std::uint16_t type = 0;    // RTM_GETLINK, RTM_GETQDISC, RTM_GETMULTICAST
  std::uint8_t family = 0;   // AF_UNSPEC, AF_INET, AF_INET6
  std::string label;         // for error context, e.g. "RTM_GETLINK dump"
  std::uint32_t ext_mask = 0;  // RTM_GETLINK: IFLA_EXT_MASK (RTEXT_FILTER_*) when not 0

  /// RTM_GETLINK, AF_UNSPEC, IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS. Despite its name that
  /// filter keeps IFLA_STATS/IFLA_STATS64; it drops the IPv6 statistics in IFLA_AF_SPEC and VF
  /// statistics (net/ipv6/addrconf.c inet6_fill_ifla6_stats_attrs, net/core/rtnetlink.c
  /// rtnl_fill_vfinfo), which the exporter does not read: a quarter fewer bytes, and the kernel
  /// does not sum the per-CPU IPv6 counters of every interface.
  static DumpRequest links();
  static DumpRequest qdiscs();               // RTM_GETQDISC, AF_UNSPEC
  static DumpRequest inet_multicast();       // RTM_GETMULTICAST, AF_INET (kernel >= 6.13)
  static DumpRequest inet6_multicast();      // RTM_GETMULTICAST, AF_INET6
};

/// How many attempts dump() makes before giving up: an attempt starts over when a reply carries
/// NLM_F_DUMP_INTR (the kernel's tables changed while it was dumping) or a datagram did not fit
/// the receive buffer.
inline constexpr int kMaxDumpAttempts = 5;

/// Runs one dump on a fresh NETLINK_ROUTE socket (opened and closed within the call, so it is
/// re-entrant and thread-safe). Returns every reply message of the dump, concatenated as the
/// kernel sent them (each nlmsghdr padded to NLMSG_ALIGNTO), excluding the final NLMSG_DONE.
/// Errors: a kernel NLMSG_ERROR or a negative NLMSG_DONE payload gives Error::sys_errno = the
/// kernel's errno (see is_unsupported()); repeated NLM_F_DUMP_INTR gives an Error whose detail
/// says so; socket failures carry the syscall's errno.
Result<DumpBytes> dump(const DumpRequest& request);
/// The same with a first receive buffer of `receive_buffer` bytes (dump() uses 64 KiB). A
/// datagram larger than the buffer makes the attempt start over with room for it; tests use a
/// small buffer to take that path on a real dump.
Result<DumpBytes> dump_with_buffer(const DumpRequest& request, std::size_t receive_buffer);

/// The most sockets a DumpSockets keeps open between dumps: more than the scrapes that usually
/// run at once is waste. They show in process_open_fds.
inline constexpr std::size_t kMaxIdleDumpSockets = 4;

/// Dumps as dump() does, on sockets kept open between dumps: opening, binding and closing a
/// netlink socket cost a send-queue scrape as much as parsing its qdisc dump (five system calls
/// and a socket's allocation and RCU-deferred release in the kernel), and a fresh socket's first
/// datagram is a page, not 32 KiB. A socket goes back to the idle set only after a dump that ended
/// cleanly with NLMSG_DONE, so nothing of an earlier dump is ever left queued on it; each request
/// also carries a new sequence number. Thread-safe: concurrent dumps take different sockets.
///
/// A netlink socket belongs to the network namespace of the thread that opened it, so one
/// DumpSockets serves threads of one namespace only (the system reader's; readers of other
/// namespaces open their sockets per dump and keep none: netns_reader.cpp).
class DumpSockets {
 public:
  DumpSockets() = default;
  DumpSockets(const DumpSockets&) = delete;
  DumpSockets& operator=(const DumpSockets&) = delete;
  ~DumpSockets();

  Result<DumpBytes> dump(const DumpRequest& request);
  /// Sockets open and waiting for a dump (for tests).
  std::size_t idle() const;

 private:
  mutable std::mutex mu_;
  std::vector<mnl_socket*> idle_;
};

/// True when the kernel rejected the request type/family itself (EOPNOTSUPP, or EINVAL from
/// strict checking): e.g. RTM_GETMULTICAST for AF_INET before Linux 6.13. Readers then fall back
/// to procfs (/proc/net/igmp).
bool is_unsupported(const Error& error);

/// The receive-side state machine of one dump, separate from the socket so that it can be tested
/// on hand-built datagrams. Feed it each datagram in arrival order.
/// Messages whose nlmsg_seq or nlmsg_pid are not ours are skipped (another request's leftovers).
/// Not thread-safe; one instance per dump attempt.
class DumpAssembler {
 public:
  DumpAssembler(std::uint32_t seq, std::uint32_t portid) : seq_(seq), portid_(portid) {}

  /// Consumes one datagram. Returns true once NLMSG_DONE has been seen (the dump is complete),
  /// false when more datagrams are expected, or the Error carried by NLMSG_ERROR / NLMSG_DONE.
  /// Once interrupted() is true the caller should discard the attempt and retry.
  Result<bool> feed(std::span<const std::uint8_t> datagram);

  /// Room for `bytes` of messages, so that feeding them does not reallocate.
  void reserve(std::size_t bytes) { messages_.reserve(bytes); }

  /// Where the next datagram may be received (`capacity` bytes), to be fed in place with
  /// feed_received(): a datagram of this dump's data messages only, as all but the last are,
  /// then stays where it is, not copied. The area is valid until the next call on this object.
  std::uint8_t* receive_area(std::size_t capacity) { return messages_.room(capacity); }
  /// feed() of the `received` bytes just written at receive_area().
  Result<bool> feed_received(std::size_t received);

  /// Some message of this dump carried NLM_F_DUMP_INTR.
  bool interrupted() const { return interrupted_; }

  /// The reply messages received so far (NLMSG_DONE and skipped messages excluded).
  const DumpBytes& messages() const& { return messages_; }
  DumpBytes&& messages() && { return std::move(messages_); }

 private:
  // Whether `datagram` holds only whole messages (an Error if not), how many, and whether they
  // are all this dump's data messages or some need the message-by-message path.
  struct Shape {
    bool only_data = true;
    std::size_t messages = 0;
  };
  Result<Shape> shape_of(std::span<const std::uint8_t> datagram) const;
  // The message-by-message path of feed(), on a datagram shape_of() found whole; it must not
  // lie in messages_'s room, which appending overwrites.
  Result<bool> feed_each(std::span<const std::uint8_t> datagram);

  std::uint32_t seq_;
  std::uint32_t portid_;
  bool interrupted_ = false;
  DumpBytes messages_;
};

}  // namespace ifmib::platform::netlink
