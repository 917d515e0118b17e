#include "platform/linux/link_name_cache.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>

#include "platform/linux/unique_fd.h"

namespace ifmib::platform::netlink {

namespace {

class SocketLinkEvents final : public LinkEvents {
 public:
  explicit SocketLinkEvents(int fd) : fd_(fd) {}

  Result<bool> drain() override {
    bool changed = false;
    // The content does not matter, only that something came: a small buffer and MSG_TRUNC
    // take each datagram off the queue without copying it.
    char scratch[sizeof(nlmsghdr)];
    for (;;) {
      const ssize_t n = ::recv(fd_.get(), scratch, sizeof scratch, MSG_DONTWAIT | MSG_TRUNC);
      if (n >= 0) {
        changed = true;
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return changed;
      // The receive queue overflowed and announcements were dropped (netlink_overrun()). The
      // queue then holds the announcements that fit, which say so too; this is the safe side.
      if (errno == ENOBUFS) {
        changed = true;
        continue;
      }
      return Error::from_errno("recv(RTNLGRP_LINK)", errno);
    }
  }

 private:
  UniqueFd fd_;
};

}  // namespace

Result<std::unique_ptr<LinkEvents>> subscribe_link_events() {
  const int raw = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (raw < 0) return Error::from_errno("socket(AF_NETLINK, NETLINK_ROUTE)", errno);
  auto events = std::make_unique<SocketLinkEvents>(raw);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_LINK;  // == 1 << (RTNLGRP_LINK - 1)
  if (::bind(raw, reinterpret_cast<const sockaddr*>(&local), sizeof local) < 0) {
    return Error::from_errno("bind(AF_NETLINK, RTMGRP_LINK)", errno);
  }
  return std::unique_ptr<LinkEvents>(std::move(events));
}

Status LinkNameCache::with_names(const std::function<void(std::span<const LinkName>)>& use) {
  std::lock_guard lock(mutex_);
  if (events_) {
    auto changed = events_->drain();
    if (!changed) {
      events_.reset();  // announcements may be lost: subscribe afresh below, then dump
    } else if (*changed) {
      valid_ = false;
    }
  }
  if (!events_) {
    valid_ = false;
    if (subscribe_) {
      if (auto subscribed = subscribe_()) events_ = std::move(*subscribed);
    }
  }
  if (!valid_) {
    auto rows = dump_links_();
    if (!rows) return rows.error();
    names_ = link_names_of(*rows);
    ++refreshes_;
    valid_ = events_ != nullptr;
  }
  use(names_);
  return ok_status();
}

std::uint64_t LinkNameCache::refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

}  // namespace ifmib::platform::netlink
