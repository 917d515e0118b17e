#pragma once
// IPv6 memberships from the RTM_GETMULTICAST AF_INET6 dump instead of /proc/net/igmp6. The
// procfs file restarts its walk on every 4 KiB read, so it grows with the square of the group
// count (45.8 ms at 4000 interfaces here, against 5.4 ms for the dump; bench/results). The dump
// has no device names and no per-group users: names come from the rows the scrape read anyway
// (/proc/net/igmp's interface lines, /proc/net/dev_mcast), and users are only needed to derive
// the filter mode of a group with source filters, so the reader uses this only when
// /proc/net/mcfilter6 is empty and no per-group detail is asked for.

#include <optional>
#include <vector>

#include "platform/linux/mcast_dump_parser.h"
#include "platform/linux/procfs_mcast_parser.h"

namespace ifmib::platform::linux_mcast {

/// The inet6 rows of `dump` as procfs::GroupRow (users 0: unknown), named by ifindex from
/// `igmp` and `dev_mcast`. nullopt when some ifindex has no name there: the caller reads
/// /proc/net/igmp6 instead (an interface with IPv6 groups but neither an IPv4 group nor a
/// link-layer one, such as lo).
std::optional<std::vector<procfs::GroupRow>> inet6_groups_from_dump(const std::vector<netlink::MulticastRow>& dump,
                                                                    const procfs::IgmpTable& igmp,
                                                                    const std::vector<procfs::LinkGroupRow>& dev_mcast);

}  // namespace ifmib::platform::linux_mcast
