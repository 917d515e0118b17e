#include "platform/linux/netlink_socket.h"

#include "platform/linux/netlink_message.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <vector>

namespace ifmib::platform::netlink {

namespace {

// The receive buffer of a first attempt. The kernel sizes dump datagrams from the reader's
// buffer up to 32 KiB (netlink_dump()), and larger only for a single message that needs it
// (rtnl_calcit: an interface with many SR-IOV VFs); such a datagram makes the attempt start over
// with room for it.
constexpr std::size_t kInitialReceiveBuffer = 64 * 1024;
// The largest datagram that has not fitted a first buffer so far: later dumps start with room
// for it, so that a host whose interfaces need huge messages restarts a dump once, not on every
// scrape.
std::atomic<std::size_t> largest_datagram{0};
// A dump never legitimately stalls; a bounded wait keeps a scrape from hanging forever.
constexpr time_t kReceiveTimeoutSeconds = 10;

struct SocketCloser {
  void operator()(mnl_socket* socket) const noexcept { mnl_socket_close(socket); }
};
using Socket = std::unique_ptr<mnl_socket, SocketCloser>;

// Shared by the mnl_cb_run2 callbacks of one DumpAssembler::feed() call.
struct FeedState {
  std::uint32_t seq;
  std::uint32_t portid;
  DumpBytes* messages;
  std::optional<Error> error;
  bool done = false;
};

bool is_ours(const nlmsghdr* nlh, std::uint32_t seq, std::uint32_t portid) {
  // Unsolicited kernel messages carry pid 0; anything else addressed to another port or
  // answering another request is not part of this dump.
  return nlh->nlmsg_seq == seq && (nlh->nlmsg_pid == portid || nlh->nlmsg_pid == 0);
}

bool is_ours(const nlmsghdr* nlh, const FeedState& state) { return is_ours(nlh, state.seq, state.portid); }

int on_data(const nlmsghdr* nlh, void* data) {
  auto& state = *static_cast<FeedState*>(data);
  if (!is_ours(nlh, state)) return MNL_CB_OK;
  const auto* first = reinterpret_cast<const std::uint8_t*>(nlh);
  state.messages->append({first, nlh->nlmsg_len});
  state.messages->commit(0, MNL_ALIGNTO);
  state.messages->add_message_count(1);
  return MNL_CB_OK;
}

int on_error(const nlmsghdr* nlh, void* data) {
  auto& state = *static_cast<FeedState*>(data);
  if (!is_ours(nlh, state)) return MNL_CB_OK;
  if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr))) {
    state.error = Error::invalid("NLMSG_ERROR", "payload shorter than struct nlmsgerr");
    return MNL_CB_ERROR;
  }
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  if (err->error == 0) return MNL_CB_OK;  // an ACK; we never ask for one, so just ignore it
  // include/uapi/linux/netlink.h: "error - negative errno or 0 for acknowledgements".
  state.error = Error::from_errno("kernel answered NLMSG_ERROR", errno_of_nlmsgerr(err->error));
  return MNL_CB_ERROR;
}

int on_done(const nlmsghdr* nlh, void* data) {
  auto& state = *static_cast<FeedState*>(data);
  if (!is_ours(nlh, state)) return MNL_CB_OK;
  // Since Linux 2.6.x netlink_dump() puts the dump callback's return value (an int) in DONE;
  // a negative one means the dump failed part way (e.g. -EMSGSIZE, -EOPNOTSUPP).
  if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
    int status = 0;
    std::memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof status);
    if (status < 0) {
      state.error = Error::from_errno("kernel ended the dump with an error", -status);
      return MNL_CB_ERROR;
    }
  }
  state.done = true;
  return MNL_CB_STOP;
}

int on_ignored(const nlmsghdr*, void*) { return MNL_CB_OK; }

std::size_t family_header_size(std::uint16_t type) {
  switch (type) {
    case RTM_GETLINK: return sizeof(ifinfomsg);
    case RTM_GETQDISC: return sizeof(tcmsg);
    default: return sizeof(ifaddrmsg);  // RTM_GETMULTICAST, RTM_GETADDR
  }
}

template <class F>
auto retry_eintr(F&& call) {
  for (;;) {
    auto result = call();
    if (result >= 0 || errno != EINTR) return result;
  }
}

struct Attempt {
  DumpBytes messages;
  bool interrupted = false;
  std::size_t truncated = 0;  // a datagram of this many bytes did not fit: try again with room
};

// The size of the last complete dump of each request kind: the next attempt reserves it, so that
// the messages are not copied again on every doubling of the vector (a hint only, never data).
std::atomic<std::size_t>& last_dump_size(const DumpRequest& request) {
  static std::atomic<std::size_t> sizes[4];
  switch (request.type) {
    case RTM_GETLINK: return sizes[0];
    case RTM_GETQDISC: return sizes[1];
    default: return sizes[request.family == AF_INET6 ? 3 : 2];
  }
}

// A NETLINK_ROUTE socket bound to a kernel-chosen port, with a bounded receive wait.
Result<Socket> open_dump_socket() {
  Socket socket(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
  if (!socket) return Error::from_errno("socket(AF_NETLINK, NETLINK_ROUTE)", errno);
  if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return Error::from_errno("bind(AF_NETLINK)", errno);
  }
  timeval timeout{kReceiveTimeoutSeconds, 0};
  if (setsockopt(mnl_socket_get_fd(socket.get()), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {
    return Error::from_errno("setsockopt(SO_RCVTIMEO)", errno);
  }
  return socket;
}

// Every request of the process gets its own sequence number (as iproute2 counts from the time),
// so a reply can never be taken for another's, even on a socket that served an earlier dump.
std::uint32_t next_sequence() {
  static std::atomic<std::uint32_t> next{static_cast<std::uint32_t>(std::time(nullptr))};
  return next.fetch_add(1, std::memory_order_relaxed);
}

Result<Attempt> dump_once(mnl_socket* socket_handle, const DumpRequest& request, std::size_t capacity) {
  const int fd = mnl_socket_get_fd(socket_handle);
  const std::uint32_t portid = mnl_socket_get_portid(socket_handle);
  const std::uint32_t seq = next_sequence();

  // The largest family header is tcmsg (20 bytes), then room for IFLA_EXT_MASK; the buffer is
  // zeroed so all filters are off.
  alignas(nlmsghdr) std::uint8_t
      request_buffer[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(tcmsg)) + MNL_ATTR_HDRLEN + sizeof(std::uint32_t)] = {};
  nlmsghdr* nlh = mnl_nlmsg_put_header(request_buffer);
  nlh->nlmsg_type = request.type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  // Every rtnetlink family header starts with an unsigned char family.
  auto* family = static_cast<std::uint8_t*>(mnl_nlmsg_put_extra_header(nlh, family_header_size(request.type)));
  *family = request.family;
  if (request.ext_mask != 0) mnl_attr_put_u32(nlh, IFLA_EXT_MASK, request.ext_mask);
  if (retry_eintr([&] { return mnl_socket_sendto(socket_handle, nlh, nlh->nlmsg_len); }) < 0) {
    return Error::from_errno("sendto(AF_NETLINK)", errno);
  }

  DumpAssembler assembler(seq, portid);
  assembler.reserve(last_dump_size(request).load(std::memory_order_relaxed) + capacity);
  for (;;) {
    // One receive per datagram, no MSG_PEEK first: MSG_TRUNC makes recv() return the datagram's
    // real length, so one that did not fit is known (and lost: the attempt starts over). Into
    // the dump's own buffer, uninitialised (zeroing 64 KiB per dump was a measurable share of a
    // --collector.netns scrape: perf, bench/netns.sh), where a data datagram then stays.
    std::uint8_t* area = assembler.receive_area(capacity);
    sockaddr_nl sender{};
    socklen_t sender_size = sizeof sender;
    const ssize_t received = retry_eintr([&] {
      return recvfrom(fd, area, capacity, MSG_TRUNC, reinterpret_cast<sockaddr*>(&sender), &sender_size);
    });
    if (received < 0) return Error::from_errno("recvfrom(AF_NETLINK)", errno);
    if (received == 0) return Error::invalid("recvfrom(AF_NETLINK)", "socket closed before NLMSG_DONE");
    if (static_cast<std::size_t>(received) > capacity) return Attempt{{}, false, static_cast<std::size_t>(received)};
    if (sender_size != sizeof sender) return Error::invalid("recvfrom(AF_NETLINK)", "sender is not a netlink address");
    auto fed = assembler.feed_received(static_cast<std::size_t>(received));
    if (!fed) return fed.error();
    if (assembler.interrupted()) return Attempt{{}, true};
    if (*fed) {
      last_dump_size(request).store(assembler.messages().size(), std::memory_order_relaxed);
      return Attempt{std::move(assembler).messages(), false};
    }
  }
}

}  // namespace

DumpRequest DumpRequest::links() { return {RTM_GETLINK, AF_UNSPEC, "RTM_GETLINK dump", RTEXT_FILTER_SKIP_STATS}; }
DumpRequest DumpRequest::qdiscs() { return {RTM_GETQDISC, AF_UNSPEC, "RTM_GETQDISC dump"}; }
DumpRequest DumpRequest::inet_multicast() {
  return {RTM_GETMULTICAST, AF_INET, "RTM_GETMULTICAST AF_INET dump"};
}
DumpRequest DumpRequest::inet6_multicast() {
  return {RTM_GETMULTICAST, AF_INET6, "RTM_GETMULTICAST AF_INET6 dump"};
}

Result<DumpAssembler::Shape> DumpAssembler::shape_of(std::span<const std::uint8_t> datagram) const {
  // A datagram holds whole messages only; anything left over means it was cut short. The same
  // walk tells whether it holds nothing but this dump's data messages, as every datagram but the
  // last does: such a one is kept whole, not message by message.
  Shape shape;
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data());
  int left = static_cast<int>(datagram.size());
  while (mnl_nlmsg_ok(nlh, left)) {
    shape.only_data = shape.only_data && nlh->nlmsg_type >= NLMSG_MIN_TYPE &&
                      (nlh->nlmsg_flags & NLM_F_DUMP_INTR) == 0 && is_ours(nlh, seq_, portid_);
    ++shape.messages;
    nlh = mnl_nlmsg_next(nlh, &left);
  }
  if (left > 0) return Error::invalid("netlink datagram", "truncated message at the end");
  return shape;
}

Result<bool> DumpAssembler::feed_received(std::size_t received) {
  // The datagram sits in the room after the messages kept so far.
  const std::span<const std::uint8_t> datagram(messages_.end(), received);
  auto shape = shape_of(datagram);
  if (!shape) return shape.error();
  if (shape->only_data) {
    messages_.commit(received, MNL_ALIGNTO);  // a last message without its padding gets it
    messages_.add_message_count(shape->messages);
    return false;
  }
  // The last datagram (with NLMSG_DONE) or one with foreign messages: message by message, from
  // a copy, as appending to the buffer would write over the datagram itself.
  const std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
  return feed_each(copy);
}

Result<bool> DumpAssembler::feed(std::span<const std::uint8_t> datagram) {
  auto shape = shape_of(datagram);
  if (!shape) return shape.error();
  if (shape->only_data) {
    messages_.append(datagram);
    messages_.commit(0, MNL_ALIGNTO);
    messages_.add_message_count(shape->messages);
    return false;
  }
  return feed_each(datagram);
}

Result<bool> DumpAssembler::feed_each(std::span<const std::uint8_t> datagram) {
  FeedState state{seq_, portid_, &messages_, std::nullopt, false};
  mnl_cb_t control[NLMSG_MIN_TYPE] = {};
  control[NLMSG_NOOP] = on_ignored;
  control[NLMSG_ERROR] = on_error;
  control[NLMSG_DONE] = on_done;
  control[NLMSG_OVERRUN] = on_ignored;
  // seq and portid 0 turn off libmnl's own checks, which fail the whole datagram on a foreign
  // message; is_ours() skips such messages instead, as iproute2's rtnl_dump_filter_l does.
  errno = 0;
  const int ret = mnl_cb_run2(datagram.data(), datagram.size(), 0, 0, on_data, &state, control, NLMSG_MIN_TYPE);
  if (ret == MNL_CB_ERROR) {
    if (state.error) return *state.error;
    // libmnl reports a message flagged NLM_F_DUMP_INTR as MNL_CB_ERROR with errno EINTR before
    // any callback sees it; our callbacks never set EINTR and mnl_cb_run2 makes no syscall.
    if (errno == EINTR) {
      interrupted_ = true;
      return false;
    }
    return Error::from_errno("mnl_cb_run2", errno);
  }
  return state.done;
}

bool is_unsupported(const Error& error) {
  return error.sys_errno == EOPNOTSUPP || error.sys_errno == EINVAL;
}

namespace {

// The attempts of one dump. `take` gives each attempt its socket (a Result<Socket>); `give_back`
// is handed the socket of an attempt that read its dump to the end.
template <class Take, class GiveBack>
Result<DumpBytes> dump_attempts(const DumpRequest& request, std::size_t receive_buffer, Take&& take,
                                                GiveBack&& give_back) {
  std::size_t capacity = std::max<std::size_t>(receive_buffer, 1);
  for (int attempt = 0; attempt < kMaxDumpAttempts; ++attempt) {
    Result<Socket> socket = take();
    if (!socket) return socket.error().within(request.label);
    auto result = dump_once(socket->get(), request, capacity);
    if (!result) return result.error().within(request.label);
    if (result->truncated != 0) {
      capacity = result->truncated;
      std::size_t seen = largest_datagram.load(std::memory_order_relaxed);
      while (seen < capacity && !largest_datagram.compare_exchange_weak(seen, capacity, std::memory_order_relaxed)) {
      }
      continue;
    }
    if (!result->interrupted) {
      give_back(std::move(*socket));
      return std::move(result->messages);
    }
  }
  return Error::invalid(request.label, "no complete dump in " + std::to_string(kMaxDumpAttempts) +
                                           " attempts: the kernel's tables kept changing (NLM_F_DUMP_INTR) or its "
                                           "datagrams kept outgrowing the receive buffer");
}

std::size_t first_receive_buffer() {
  return std::max(kInitialReceiveBuffer, largest_datagram.load(std::memory_order_relaxed));
}

}  // namespace

Result<DumpBytes> dump_with_buffer(const DumpRequest& request, std::size_t receive_buffer) {
  return dump_attempts(request, receive_buffer, [] { return open_dump_socket(); }, [](Socket) {});
}

Result<DumpBytes> dump(const DumpRequest& request) {
  return dump_with_buffer(request, first_receive_buffer());
}

DumpSockets::~DumpSockets() {
  for (mnl_socket* socket : idle_) mnl_socket_close(socket);
}

std::size_t DumpSockets::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

Result<DumpBytes> DumpSockets::dump(const DumpRequest& request) {
  const auto take = [this]() -> Result<Socket> {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        Socket socket(idle_.back());
        idle_.pop_back();
        return socket;
      }
    }
    return open_dump_socket();
  };
  const auto give_back = [this](Socket socket) {
    std::lock_guard lock(mu_);
    if (idle_.size() < kMaxIdleDumpSockets) idle_.push_back(socket.release());
  };
  return dump_attempts(request, first_receive_buffer(), take, give_back);
}

}  // namespace ifmib::platform::netlink
