#pragma once
// What the kernel reported, as plain values. Nothing here knows about Prometheus.
// A field that an OS (or an interface) does not have is std::optional and left empty:
// the collectors omit such series, because absent is not zero.

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ifmib::platform {

/// RFC 1650 dot3StatsEntry (IEEE 802.3 error counters), all counters.
/// Linux fills the subset that `struct rtnl_link_stats64` documents with an 802.3 meaning
/// (include/uapi/linux/if_link.h); FreeBSD fills all of them from `struct ifmib_iso_8802_3`.
struct EtherStats {
  std::optional<std::uint64_t> alignment_errors;             // Linux rx_frame_errors
  std::optional<std::uint64_t> fcs_errors;                   // Linux rx_crc_errors
  std::optional<std::uint64_t> single_collision_frames;
  std::optional<std::uint64_t> multiple_collision_frames;
  std::optional<std::uint64_t> sqe_test_errors;              // Linux tx_heartbeat_errors
  std::optional<std::uint64_t> deferred_transmissions;
  std::optional<std::uint64_t> late_collisions;              // Linux tx_window_errors
  std::optional<std::uint64_t> excessive_collisions;         // Linux tx_aborted_errors
  std::optional<std::uint64_t> internal_mac_transmit_errors; // Linux tx_fifo_errors
  std::optional<std::uint64_t> carrier_sense_errors;         // Linux tx_carrier_errors
  std::optional<std::uint64_t> frame_too_longs;
  std::optional<std::uint64_t> internal_mac_receive_errors;  // Linux rx_fifo_errors
  std::optional<std::uint64_t> missed_frames;                // Linux rx_missed_errors
  /// dot3StatsCollFrequencies: element i counts frames sent after exactly i+1 collisions.
  /// Empty where the OS does not report it (Linux).
  std::vector<std::uint64_t> collision_frequencies;
  /// dot3StatsEtherChipSet as vendor<<16 | part (FreeBSD only).
  std::optional<std::uint32_t> chipset;

  bool operator==(const EtherStats&) const = default;
};

/// Generic per-interface counters (if_data / rtnl_link_stats64). All monotonic counters.
struct InterfaceCounters {
  std::uint64_t rx_bytes = 0, tx_bytes = 0;
  std::uint64_t rx_packets = 0, tx_packets = 0;
  std::uint64_t rx_errors = 0, tx_errors = 0;
  std::uint64_t rx_dropped = 0, tx_dropped = 0;
  std::uint64_t collisions = 0;
  std::optional<std::uint64_t> rx_multicast;          // both OSes
  std::optional<std::uint64_t> tx_multicast;          // FreeBSD only
  std::optional<std::uint64_t> rx_unknown_protocol;   // FreeBSD ifi_noproto, Linux rx_nohandler

  bool operator==(const InterfaceCounters&) const = default;
};

/// RFC 2863 ifOperStatus, with the IF-MIB enumeration values (so that `ifmib_oper_status` carries
/// the same numbers as snmp_exporter's ifOperStatus).
enum class OperStatus : std::uint8_t {
  up = 1,
  down = 2,
  testing = 3,
  unknown = 4,
  dormant = 5,
  not_present = 6,
  lower_layer_down = 7,
};

/// Names held in static storage (a decoder's table), viewed rather than copied into every
/// snapshot that lists them. Equal when the names are.
class StaticNames {
 public:
  constexpr StaticNames() = default;
  constexpr StaticNames(std::span<const std::string_view> names) : names_(names) {}  // NOLINT: implicit on purpose
  template <std::size_t N>
  constexpr StaticNames(const std::string_view (&names)[N]) : names_(names) {}  // NOLINT: implicit on purpose
  constexpr auto begin() const { return names_.begin(); }
  constexpr auto end() const { return names_.end(); }
  constexpr std::size_t size() const { return names_.size(); }
  constexpr const std::string_view* data() const { return names_.data(); }
  constexpr std::string_view operator[](std::size_t i) const { return names_[i]; }
  bool operator==(const StaticNames& other) const {
    // std::equal, not std::ranges::equal: FreeBSD 13.0's libc++ has no ranges algorithms.
    return std::equal(names_.begin(), names_.end(), other.names_.begin(), other.names_.end());
  }

 private:
  std::span<const std::string_view> names_;
};

/// One network interface as the interface MIB describes it.
struct Interface {
  std::string name;            // current name, arbitrary bytes (may hold quotes, backslashes, UTF-8)
  std::uint32_t index = 0;     // ifindex
  std::string type;            // link type in lower case: Linux ARPHRD_* ("ether", "loopback", "none", ...), FreeBSD IFT_*
  std::string driver;          // Linux: driver (ethtool) or link kind; FreeBSD: driver name + unit. "" if unknown
  std::string alias;           // Linux IFALIAS; FreeBSD: empty
  bool admin_up = false;       // IFF_UP (ifAdminStatus up)
  OperStatus oper_status = OperStatus::unknown;  // Linux IFLA_OPERSTATE; FreeBSD derived (ifmib_decode.cpp)
  /// Every flag name this OS's decoder knows, set or not, in a fixed order: the same list for
  /// every interface of a system, so that a flag that flips changes a value, never a series.
  /// The decoder's static table: one list shared by every interface instead of some twenty
  /// strings copied into each.
  StaticNames known_flags;
  /// The IFF_* flags that are set, as bits over known_flags: bit k when known_flags[k] is set
  /// (no decoder knows more than 64; a static_assert in each says so). Bits, not a list of
  /// names: five strings and a vector per interface were a twentieth of a collect[]=ifmib
  /// scrape's instructions. set_flag_names() gives the names.
  std::uint64_t known_flags_set = 0;
  /// Set flags without a name in known_flags (FreeBSD's "bit<N>"), for --dump; not exported.
  std::vector<std::string> unknown_flags;
  std::optional<std::uint32_t> promiscuous_listeners;
  std::optional<std::uint32_t> mtu;         // bytes
  std::optional<std::uint64_t> baudrate_bits_per_second;
  std::optional<bool> full_duplex;          // Linux ethtool duplex, FreeBSD IFM_FDX/IFM_HDX; empty if unknown
  std::optional<bool> autonegotiation;      // Linux ethtool autoneg, FreeBSD IFM_AUTO selected; empty if unknown
  std::optional<std::uint64_t> link_changes;             // Linux IFLA_CARRIER_CHANGES
  std::optional<double> last_change_timestamp_seconds;   // FreeBSD ifi_lastchange, Unix time
  std::optional<std::uint32_t> tx_queue_length;          // configured send-queue length in packets (Linux txqueuelen)
  /// Stacking (empty where there is none). master_index: the interface this one is enslaved to;
  /// Linux: its bridge, bond, team or VRF (IFLA_MASTER); FreeBSD: the lagg of a lagg port, the
  /// bridge of a bridge member (span ports excluded). lower_index: the interface it runs over;
  /// Linux: a VLAN's parent or a veth's peer (IFLA_LINK, sent only when it differs from the
  /// ifindex); FreeBSD: a vlan's parent. lower_netnsid (Linux only): the namespace of that lower
  /// interface as this namespace numbers it (IFLA_LINK_NETNSID), empty when it is the same.
  std::optional<std::uint32_t> master_index;
  std::optional<std::uint32_t> lower_index;
  std::optional<std::int32_t> lower_netnsid;
  /// FreeBSD, for a lagg, vlan or bridge only: whether the ioctl listing its relations answered
  /// and decoded in this read. When false, the relations it would have given are absent and
  /// stacking_error says why (shown by --dump). Empty for other interfaces and on Linux, whose
  /// relations come with the link dump itself.
  std::optional<bool> stacking_read;
  std::string stacking_error;
  InterfaceCounters counters;
  std::optional<EtherStats> ether;          // set for Ethernet-like interfaces only

  bool operator==(const Interface&) const = default;
};

/// Interface::known_flags_set of an OS's flag word, for a decoder whose known_flags are the names
/// of `table`, (bit, name) pairs in that order: bit k when table[k]'s bit is set in `flags`.
template <class Table>
constexpr std::uint64_t known_flags_set_of(std::uint32_t flags, const Table& table) {
  std::uint64_t set = 0;
  std::size_t k = 0;
  for (const auto& [bit, name] : table) {
    if ((flags & bit) != 0 && k < 64) set |= std::uint64_t{1} << k;
    ++k;
  }
  return set;
}

/// The names of the flags set on `i`, known ones in known_flags order, then unknown_flags.
std::vector<std::string> set_flag_names(const Interface& i);

/// One transmit queue below an interface's send queue: a hardware/driver TX queue.
/// Linux: a child qdisc of a multiqueue root (mq, mqprio), named by its TX queue index.
/// FreeBSD: an iflib txq (its mp_ring) or a cxgbe txq, named by the sysctl node's index.
/// Every field the OS does not report for that kind of queue is left empty.
struct TransmitQueue {
  std::string queue;                        // "0", "1", ... (the TX queue index)
  std::string discipline;                   // Linux child qdisc kind; FreeBSD ""
  std::uint64_t drops = 0;                  // counter: packets dropped because this queue was full
  std::optional<std::uint64_t> length;      // gauge: packets queued now
  std::optional<std::uint64_t> backlog_bytes;  // Linux (gauge)
  std::optional<std::uint64_t> requeues;       // Linux (counter)
  std::optional<std::uint64_t> enqueues;       // FreeBSD mp_ring r_enqueues (counter)
  std::optional<std::uint64_t> stalls;         // FreeBSD mp_ring r_stalls (counter)

  bool operator==(const TransmitQueue&) const = default;
};

/// The transmit queue of one interface. Linux: its root qdisc; FreeBSD: the queue the driver's
/// transmit path really uses (if_snd, iflib's mp_rings, cxgbe's mp_rings; docs/freebsd.md).
/// An interface without a queue (Linux noqueue) has no SendQueue at all.
struct SendQueue {
  std::string device;
  std::uint32_t index = 0;
  std::string discipline;                    // Linux qdisc kind ("pfifo_fast", "tbf", ...); FreeBSD ""
  std::optional<std::uint64_t> length;       // packets queued now (gauge); empty where the OS does not show it
  std::optional<std::uint64_t> max_length;   // packets; empty when the queue's limit is not in packets
  std::uint64_t drops = 0;                   // counter: every drop the OS counts for a full send queue
  std::optional<std::uint64_t> backlog_bytes;   // Linux only (gauge)
  std::optional<std::uint64_t> requeues;        // Linux only (counter)
  std::optional<std::uint64_t> overlimits;      // Linux only (counter)
  /// The transmit queues below, in queue order; empty when the interface has one queue or the
  /// OS does not show them. Their drops add up to `drops` except where docs/freebsd.md says not.
  std::vector<TransmitQueue> queues;

  bool operator==(const SendQueue&) const = default;
};

enum class AddressFamily { inet, inet6, link };
enum class FilterMode { include, exclude };

/// A multicast group's or source's address as the kernel keeps it (network byte order): 4 bytes
/// for inet, 16 for inet6, the link-layer address for link (at most 32 bytes, Linux's
/// MAX_ADDR_LEN). Bytes, not text: a scrape that serves counts shows no address, and formatting
/// then freeing some 10 000 of them per scrape at 1000 interfaces was a tenth of a full scrape's
/// user space (bench/callgrind.sh). address_text() gives the text where it is shown.
struct Address {
  std::array<std::uint8_t, 32> bytes{};  // bytes past `size` are 0, so comparing all is exact
  std::uint8_t size = 0;

  /// Not an aggregate: `{..., "ff02::1", ...}` would otherwise copy the text's characters into
  /// `bytes` (an unsigned char array takes a string literal) and compile.
  constexpr Address() = default;

  /// The first 32 bytes of `raw` at most.
  static Address of(std::span<const std::uint8_t> raw) {
    Address a;
    a.size = static_cast<std::uint8_t>(std::min(raw.size(), a.bytes.size()));
    std::copy_n(raw.begin(), a.size, a.bytes.begin());
    return a;
  }
  std::span<const std::uint8_t> view() const { return {bytes.data(), size}; }

  // Compared eight bytes at a time, inline: the multicast collector sorts and merges some
  // 10 000 groups per scrape at 1000 interfaces, and a memcmp call per comparison was a few
  // percent of a full scrape (perf).
  friend bool operator==(const Address& a, const Address& b) {
    std::uint64_t differ = 0;
    for (std::size_t k = 0; k < kWords; ++k) differ |= a.word(k) ^ b.word(k);
    return differ == 0 && a.size == b.size;
  }
  /// By bytes (as memcmp orders them), then length. Written out: FreeBSD 13's libc++ has no
  /// operator<=> for std::array.
  friend bool operator<(const Address& a, const Address& b) {
    for (std::size_t k = 0; k < kWords; ++k) {
      const std::uint64_t x = a.word(k), y = b.word(k);
      if (x != y) return x < y;
    }
    return a.size < b.size;
  }

 private:
  static constexpr std::size_t kWords = 4;
  static_assert(sizeof(bytes) == kWords * sizeof(std::uint64_t));
  // Bytes 8k..8k+7 as one integer whose order is theirs: the first byte most significant.
  std::uint64_t word(std::size_t k) const {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + k * sizeof w, sizeof w);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }
};

/// The text of `address` as inet_ntop prints it for `family`: "224.0.0.1", "ff02::1"; for link
/// (or a length that does not fit the family) lower-case hex pairs, "01:00:5e:00:00:01".
std::string address_text(AddressFamily family, const Address& address);

/// One multicast group membership of one interface (a line of `ifmcstat`).
struct MulticastGroup {
  std::string device;
  std::uint32_t index = 0;
  AddressFamily family = AddressFamily::inet;
  Address group;                       // address_text() gives "224.0.0.1", "ff02::1", "01:00:5e:00:00:01"
  std::optional<FilterMode> mode;      // inet/inet6 only
  std::vector<Address> sources;        // in-mode sources of the filter
  std::optional<std::uint32_t> users;  // Linux: sockets/references holding the membership

  bool operator==(const MulticastGroup&) const = default;
};

/// Per-interface IGMP / MLD host state (ifmcstat's "igmpv3 rv 2 qi 125 ..." line).
struct MulticastProtocol {
  std::string device;
  std::uint32_t index = 0;
  AddressFamily family = AddressFamily::inet;   // inet = IGMP, inet6 = MLD
  std::uint32_t version = 0;                    // IGMP 1..3, MLD 1..2
  std::optional<std::uint32_t> robustness;
  std::optional<std::uint32_t> query_interval_seconds;
  std::optional<std::uint32_t> query_response_interval_seconds;
  std::optional<std::uint32_t> unsolicited_report_interval_seconds;

  bool operator==(const MulticastProtocol&) const = default;
};

struct MulticastSnapshot {
  std::vector<MulticastGroup> groups;
  std::vector<MulticastProtocol> protocols;

  bool operator==(const MulticastSnapshot&) const = default;
};

/// What a multicast read should fetch. The contract, the same for every reader: each group of a
/// wanted family comes with everything that defines the membership, its filter mode and its
/// sources (as `ifmcstat` prints them), whatever the caller will show. `users` is the one costly
/// extra: when false a reader may leave MulticastGroup::users empty (Linux then lists IPv6 groups
/// from the RTM_GETMULTICAST dump instead of /proc/net/igmp6); when true it fills it wherever the
/// OS counts users (Linux; FreeBSD's sysctls have no such count).
struct MulticastQuery {
  bool inet = true, inet6 = true, link = true;
  bool users = false;

  bool operator==(const MulticastQuery&) const = default;
};

/// What a send-queue read should fetch; lets a reader skip per-queue detail nobody asked for.
struct SendQueueQuery {
  bool per_queue = false;  // fill SendQueue::queues (--collector.send_queue.per-queue)
};

/// The exporter process itself (process_* metrics).
struct ProcessStats {
  double cpu_seconds = 0;
  std::uint64_t resident_memory_bytes = 0;
  std::uint64_t virtual_memory_bytes = 0;
  std::uint64_t open_fds = 0;
  std::optional<std::uint64_t> max_fds;
  double start_time_seconds = 0;  // Unix time

  bool operator==(const ProcessStats&) const = default;
};

const char* to_string(AddressFamily family);
/// RFC 2863 spelling in lower case: "up", "down", "testing", "unknown", "dormant", "notpresent",
/// "lowerlayerdown" (as Linux's /sys/class/net/<if>/operstate and `ip link` print them).
const char* to_string(OperStatus status);
const char* to_string(FilterMode mode);

}  // namespace ifmib::platform
