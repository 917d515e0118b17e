#pragma once
// Driver name and link speed from the ethtool ioctl (SIOCETHTOOL), cached per interface so that a
// scrape costs no ioctl unless an interface changed.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

#include "platform/snapshot.h"

namespace ifmib::platform::netlink {

/// What ethtool reports for one interface; a field is empty when the driver does not say.
struct EthtoolInfo {
  std::string driver;                                   // ETHTOOL_GDRVINFO driver, e.g. "virtio_net", "veth"
  std::optional<std::uint64_t> speed_bits_per_second;   // link speed (ethtool's Mb/s x 1e6); empty if unknown
  std::optional<bool> full_duplex;                      // DUPLEX_FULL / DUPLEX_HALF; empty for DUPLEX_UNKNOWN
  std::optional<bool> autonegotiation;                  // AUTONEG_ENABLE / AUTONEG_DISABLE; empty otherwise

  bool operator==(const EthtoolInfo&) const = default;
};

/// Speed, duplex and autonegotiation from the fields of struct ethtool_link_settings (or the
/// legacy struct ethtool_cmd), as include/uapi/linux/ethtool.h defines them: `mbps` 0 or
/// SPEED_UNKNOWN, duplex DUPLEX_UNKNOWN (0xff) and autoneg values other than 0/1 are "unknown".
/// Pure; leaves `info.driver` alone.
void decode_link_mode(std::uint32_t mbps, std::uint8_t duplex, std::uint8_t autoneg, EthtoolInfo& info);

/// Asks the kernel, with one short-lived socket: ETHTOOL_GDRVINFO, then ETHTOOL_GLINKSETTINGS
/// (falling back to the deprecated ETHTOOL_GSET). Never fails: an interface without ethtool
/// support (lo, most virtual links), a vanished one, or any ioctl error yields empty fields.
/// Thread-safe (no shared state).
EthtoolInfo query_ethtool(const std::string& interface_name);

/// The state an EthtoolInfo was fetched for. A rename, a carrier change (new negotiated speed)
/// or an admin up/down makes the cached answer stale.
struct EthtoolKey {
  std::string name;
  std::optional<std::uint64_t> link_changes;   // IFLA_CARRIER_CHANGES
  bool admin_up = false;

  bool operator==(const EthtoolKey&) const = default;
};

/// The key of a decoded interface (LinkRow::interface).
EthtoolKey ethtool_key(const Interface& interface);

/// Cache of EthtoolInfo by ifindex. An entry is fetched only on a miss or when its key changed,
/// so steady-state scrapes issue no ioctl. Thread-safe: a mutex guards the map; fetches run
/// outside the lock (two concurrent misses for one ifindex may both fetch; the last wins).
class EthtoolCache {
 public:
  using Fetch = std::function<EthtoolInfo(const std::string& interface_name)>;
  using Use = std::function<void(std::size_t position, const EthtoolInfo& info)>;

  /// `fetch` is query_ethtool in production; tests pass a fake.
  explicit EthtoolCache(Fetch fetch = query_ethtool) : fetch_(std::move(fetch)) {}

  /// One scrape's lookups. `interfaces` is a whole link dump: every ifindex not among them is
  /// forgotten (interfaces that vanished). `use(k, info)` is called once for each interfaces[k]
  /// with its EthtoolInfo (ethtool_key() decides staleness): for the cached ones under the lock,
  /// so `use` must not call back into the cache. The cached ones are found under one lock (a
  /// lock, a key and an EthtoolInfo copied per interface, then a sorted copy of the ifindexes to
  /// prune by, were a twentieth of a collect[]=ifmib scrape's user time, perf); misses are
  /// fetched after it, outside the lock.
  void lookup(std::span<const Interface> interfaces, const Use& use);

  std::size_t size() const;

 private:
  struct Entry {
    EthtoolKey key;
    EthtoolInfo info;
    std::uint64_t seen = 0;  // the lookup() that last found or fetched it
  };

  Fetch fetch_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint32_t, Entry> entries_;  // guarded by mutex_
  std::uint64_t lookups_ = 0;                         // guarded by mutex_
};

}  // namespace ifmib::platform::netlink
