#pragma once
// Interface names for the send-queue join without a link dump per scrape: the names (and
// txqueuelen) from one link dump, kept until the kernel announces a link change.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "platform/linux/link_dump_parser.h"
#include "platform/linux/qdisc_dump_parser.h"
#include "base/result.h"

namespace ifmib::platform::netlink {

/// The kernel's link announcements: a NETLINK_ROUTE socket in the RTNLGRP_LINK group, to which
/// the kernel sends RTM_NEWLINK or RTM_DELLINK whenever an interface is created, deleted,
/// renamed, or changes txqueuelen, flags or carrier (net/core/rtnetlink.c: rtnetlink_event(),
/// rtmsg_ifinfo(); net/core/dev.c: dev_change_name() and friends).
/// Not thread-safe; LinkNameCache serialises its use.
class LinkEvents {
 public:
  virtual ~LinkEvents() = default;
  /// Empties the socket without blocking. True when any announcement arrived since the last
  /// call, or when some were lost (ENOBUFS: the socket's queue overflowed); then cached link
  /// facts may be stale.
  virtual Result<bool> drain() = 0;
};

/// Subscribes, in the calling thread's network namespace, to RTNLGRP_LINK.
Result<std::unique_ptr<LinkEvents>> subscribe_link_events();

/// Ifindex -> name and txqueuelen, as the send-queue join needs them (LinkName), kept from one
/// link dump and refreshed by a new dump only when LinkEvents reported a change since. The
/// subscription is made before the dump it guards, so no change can fall between the two.
/// Without a subscription (it failed, or the drain failed) every call dumps, as if uncached.
/// An empty `subscribe` means never subscribe: every call dumps and no socket outlives a call
/// (readers of other network namespaces: a socket would keep a deleted namespace alive).
/// Thread-safe: a mutex serialises callers (draining, refreshing and the caller's use).
class LinkNameCache {
 public:
  using Subscribe = std::function<Result<std::unique_ptr<LinkEvents>>()>;
  using DumpLinks = std::function<Result<std::vector<LinkRow>>()>;

  LinkNameCache(Subscribe subscribe, DumpLinks dump_links)
      : subscribe_(std::move(subscribe)), dump_links_(std::move(dump_links)) {}

  /// Calls `use` with names as current as the kernel's announcements read at this call, under
  /// the cache's lock. An Error when a needed link dump failed (`use` is not called).
  Status with_names(const std::function<void(std::span<const LinkName>)>& use);

  /// How many link dumps the cache has made (for tests: steady-state scrapes make none).
  std::uint64_t refreshes() const;

 private:
  Subscribe subscribe_;
  DumpLinks dump_links_;
  mutable std::mutex mutex_;
  std::unique_ptr<LinkEvents> events_;   // guarded by mutex_; null: not subscribed (always, if !subscribe_)
  std::vector<LinkName> names_;          // guarded by mutex_
  bool valid_ = false;                   // guarded by mutex_: names_ reflect every announcement drained
  std::uint64_t refreshes_ = 0;          // guarded by mutex_
};

}  // namespace ifmib::platform::netlink
