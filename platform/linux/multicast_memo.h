#pragma once
// The Linux reader's last multicast snapshot, kept with every byte it was made from. Each scrape
// still reads every file and dump afresh; when all of it equals what the last snapshot was made
// from, the reader hands out that snapshot again instead of parsing and joining the same bytes,
// and the multicast collector, given the same snapshot object, its families made from it (at
// 1000 interfaces some 760 KB of /proc/net text and 14 000 groups: with both, a full scrape's
// user-space instructions went from 36.4 M to 13.5 M, bench/callgrind.sh kept). The snapshot is
// a function of these bytes and the query alone, so it is what parsing them again would give.
// Multicast state rarely changes: a host's groups change when a socket joins or leaves, its
// timers only run for the seconds after a join or a query.

#include <memory>
#include <optional>
#include <string>

#include "base/last_kept.h"
#include "platform/linux/dump_bytes.h"
#include "platform/snapshot.h"

namespace ifmib::platform::linux_mcast {

/// What one multicast read read, in the order read, and what it decided from it.
struct MulticastInputs {
  MulticastQuery query;
  // /proc/net/igmp, mcfilter, mcfilter6, dev_mcast: "" when the query did not want them.
  std::string igmp, mcfilter, mcfilter6, dev_mcast;
  bool tried_dump = false;                      // the inet6 groups were asked of RTM_GETMULTICAST
  std::optional<netlink::DumpBytes> inet6_dump;  // its reply, when it came
  bool used_dump = false;                       // and it served (else /proc/net/igmp6)
  std::optional<std::string> igmp6;             // /proc/net/igmp6, when read

  /// Whether the first four files and the query are those of `last`: then every decision the
  /// read makes before its inet6 groups is the one `last` made.
  bool same_files_as(const MulticastInputs& last) const {
    return query == last.query && igmp == last.igmp && mcfilter == last.mcfilter && mcfilter6 == last.mcfilter6 &&
           dev_mcast == last.dev_mcast;
  }
};

/// One made snapshot and its inputs.
struct MulticastMemoEntry {
  MulticastInputs inputs;
  std::shared_ptr<const MulticastSnapshot> snapshot;
};

/// The last entry; internally synchronised (scrapes may run at once: the one that stores last
/// wins, and either entry is true of the bytes it holds).
using MulticastMemo = LastKept<MulticastMemoEntry>;

}  // namespace ifmib::platform::linux_mcast
