#pragma once
// Pure parsers for the multicast files under /proc/net (the parsing half; procfs_file.h reads).
// Every parser takes the whole file text and either returns every row or an Error naming the
// first malformed line: never a half-parsed result. An empty file or a header alone gives no rows.
//
// Formats (seq_printf in the kernel; device names have no whitespace, '/' or ':' -- see
// dev_valid_name() in net/core/dev.c -- but may hold '"' and '\', so lines are split on
// whitespace and never cut at fixed columns):
//   igmp       net/ipv4/igmp.c   igmp_mc_seq_show:  "%d\t%-10s: %5d %7s\n" per interface, then
//                                "\t\t\t\t%08X %5d %d:%08lX\t\t%d\n" per group
//   mcfilter   net/ipv4/igmp.c   igmp_mcf_seq_show: "%3d %6.6s 0x%08x 0x%08x %6lu %6lu\n"
//   igmp6      net/ipv6/mcast.c  igmp6_mc_seq_show: "%-4d %-15s %pi6 %5d %08X %ld\n"
//   mcfilter6  net/ipv6/mcast.c  igmp6_mcf_seq_show: "%3d %6.6s %pi6 %pi6 %6lu %6lu\n"
//   dev_mcast  net/core/dev_addr_lists.c (dev_mc_seq_show): "%-4d %-15s %-5d %-5d %*phN\n"
//
// Byte order (verified on x86_64 with captured files, see tests/unit/fixtures/linux/README.md):
//   /proc/net/igmp prints the group's __be32 as a host integer with %08X, so the text is the
//   address bytes in host order: on little-endian hosts reversed ("010000E0" is 224.0.0.1).
//   /proc/net/mcfilter passes both addresses through ntohl() and prints "0x%08x", so the text
//   reads in network order on every host ("0xe0000001" is 224.0.0.1).
//   %pi6 prints the 16 bytes in network order, so igmp6/mcfilter6 need no swapping.

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::procfs {

/// An interface header line of /proc/net/igmp.
struct IgmpInterface {
  std::uint32_t index = 0;
  std::string device;
  std::uint32_t group_count = 0;     // in_dev->mc_count
  std::uint32_t querier_version = 0; // IGMP version in use towards the querier: 1..3 ("V1".."V3")

  bool operator==(const IgmpInterface&) const = default;
};

/// One group membership of /proc/net/igmp or /proc/net/igmp6.
struct GroupRow {
  std::uint32_t index = 0;
  std::string device;
  Address group;            // 4 or 16 bytes, network order
  std::uint32_t users = 0;  // references holding the membership (sockets plus the kernel's own)

  bool operator==(const GroupRow&) const = default;
};

/// /proc/net/igmp: interface lines and the group lines under them, in file order.
struct IgmpTable {
  std::vector<IgmpInterface> interfaces;
  std::vector<GroupRow> groups;

  bool operator==(const IgmpTable&) const = default;
};

/// One source of one group in /proc/net/mcfilter or /proc/net/mcfilter6.
struct SourceFilterRow {
  std::uint32_t index = 0;
  std::string device;  // at most 6 characters: the kernel prints "%6.6s"; join on index instead
  Address group;   // 4 or 16 bytes, network order
  Address source;
  std::uint64_t include_count = 0;  // sockets that include this source (sf_count[MCAST_INCLUDE])
  std::uint64_t exclude_count = 0;  // sockets that block this source (sf_count[MCAST_EXCLUDE])

  bool operator==(const SourceFilterRow&) const = default;
};

/// One link-layer multicast address of /proc/net/dev_mcast.
struct LinkGroupRow {
  std::uint32_t index = 0;
  std::string device;
  Address address;               // the link-layer address
  std::uint32_t users = 0;       // netdev_hw_addr refcount
  std::uint32_t global_use = 0;  // 1 for a static entry added with `ip maddr add`

  bool operator==(const LinkGroupRow&) const = default;
};

/// Parses /proc/net/igmp. `host` is the byte order of the kernel that printed the text (the
/// group field is host-order hex); the default is right for text read on this machine.
Result<IgmpTable> parse_igmp(std::string_view text, std::endian host = std::endian::native);
/// Parses /proc/net/igmp6.
Result<std::vector<GroupRow>> parse_igmp6(std::string_view text);
/// Parses /proc/net/mcfilter (host independent: the kernel applies ntohl first).
Result<std::vector<SourceFilterRow>> parse_mcfilter(std::string_view text);
/// Parses /proc/net/mcfilter6.
Result<std::vector<SourceFilterRow>> parse_mcfilter6(std::string_view text);
/// Parses /proc/net/dev_mcast.
Result<std::vector<LinkGroupRow>> parse_dev_mcast(std::string_view text);

/// Everything parsed from the five files. Files the caller did not read stay empty.
struct ProcfsMulticastRows {
  IgmpTable igmp;
  std::vector<GroupRow> igmp6;
  std::vector<SourceFilterRow> mcfilter;
  std::vector<SourceFilterRow> mcfilter6;
  std::vector<LinkGroupRow> dev_mcast;
};

/// Turns parsed rows into the platform snapshot: groups of the families `query` asks for (inet,
/// then inet6, then link, each in file order) and one IGMP MulticastProtocol per igmp interface.
/// Linux prints no MLD version in procfs, so there are no inet6 protocols.
/// Filter modes of inet/inet6 groups are derived from the mcfilter rows (see the .cpp for the
/// rule and its limits), so pass those whenever modes matter.
/// Sources are always filled (MulticastQuery's contract); users only when `query.users` is set.
/// Source rows whose group is
/// not in igmp/igmp6 (the files are read at different instants) are ignored.
/// Pure and re-entrant.
MulticastSnapshot to_multicast_snapshot(ProcfsMulticastRows rows, const MulticastQuery& query);

}  // namespace ifmib::platform::procfs
