#include "platform/linux/unique_fd.h"
#include "platform/linux/ethtool_cache.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>

namespace ifmib::platform::netlink {

namespace {

using Fd = ::ifmib::platform::UniqueFd;

bool ethtool_ioctl(int fd, const std::string& name, void* command) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), name.size());  // caller checked size < IFNAMSIZ
  ifr.ifr_data = static_cast<char*>(command);
  return ::ioctl(fd, SIOCETHTOOL, &ifr) == 0;
}

// ethtool reports Mb/s; SPEED_UNKNOWN is -1, and drivers without a link say 0.
std::optional<std::uint64_t> bits_per_second(std::uint32_t mbps) {
  if (mbps == 0 || mbps == static_cast<std::uint32_t>(SPEED_UNKNOWN)) return std::nullopt;
  return std::uint64_t{mbps} * 1'000'000;
}

// ETHTOOL_GLINKSETTINGS needs a handshake: the first call, with link_mode_masks_nwords 0,
// returns minus the number of 32-bit words per link-mode mask (include/uapi/linux/ethtool.h);
// the second call passes that number and gets the settings followed by three masks.
bool link_settings(int fd, const std::string& name, EthtoolInfo& info) {
  constexpr std::size_t kMaxWords = 3 * SCHAR_MAX;
  alignas(ethtool_link_settings) std::uint8_t buffer[sizeof(ethtool_link_settings) + kMaxWords * sizeof(std::uint32_t)];
  ethtool_link_settings settings{};
  settings.cmd = ETHTOOL_GLINKSETTINGS;
  std::memset(buffer, 0, sizeof buffer);
  std::memcpy(buffer, &settings, sizeof settings);
  if (!ethtool_ioctl(fd, name, buffer)) return false;
  std::memcpy(&settings, buffer, sizeof settings);
  if (settings.cmd != ETHTOOL_GLINKSETTINGS || settings.link_mode_masks_nwords >= 0) return false;
  const auto words = static_cast<std::int8_t>(-settings.link_mode_masks_nwords);

  settings = {};
  settings.cmd = ETHTOOL_GLINKSETTINGS;
  settings.link_mode_masks_nwords = words;
  std::memset(buffer, 0, sizeof buffer);
  std::memcpy(buffer, &settings, sizeof settings);
  if (!ethtool_ioctl(fd, name, buffer)) return false;
  std::memcpy(&settings, buffer, sizeof settings);
  if (settings.link_mode_masks_nwords != words) return false;
  decode_link_mode(settings.speed, settings.duplex, settings.autoneg, info);
  return true;
}

void legacy_settings(int fd, const std::string& name, EthtoolInfo& info) {
  ethtool_cmd command{};
  command.cmd = ETHTOOL_GSET;
  if (!ethtool_ioctl(fd, name, &command)) return;
  std::uint32_t mbps = (std::uint32_t{command.speed_hi} << 16) | command.speed;
  if (mbps == 0xffff) mbps = 0;  // SPEED_UNKNOWN cut to 16 bits by old drivers
  decode_link_mode(mbps, command.duplex, command.autoneg, info);
}

}  // namespace

void decode_link_mode(std::uint32_t mbps, std::uint8_t duplex, std::uint8_t autoneg, EthtoolInfo& info) {
  info.speed_bits_per_second = bits_per_second(mbps);
  info.full_duplex.reset();
  if (duplex == DUPLEX_FULL) info.full_duplex = true;
  if (duplex == DUPLEX_HALF) info.full_duplex = false;
  info.autonegotiation.reset();
  if (autoneg == AUTONEG_ENABLE) info.autonegotiation = true;
  if (autoneg == AUTONEG_DISABLE) info.autonegotiation = false;
}

EthtoolInfo query_ethtool(const std::string& interface_name) {
  EthtoolInfo info;
  if (interface_name.empty() || interface_name.size() >= IFNAMSIZ) return info;
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return info;

  ethtool_drvinfo driver{};
  driver.cmd = ETHTOOL_GDRVINFO;
  if (ethtool_ioctl(fd.get(), interface_name, &driver)) {
    info.driver.assign(driver.driver, strnlen(driver.driver, sizeof driver.driver));
  }
  if (!link_settings(fd.get(), interface_name, info)) legacy_settings(fd.get(), interface_name, info);
  return info;
}

EthtoolKey ethtool_key(const Interface& interface) {
  return EthtoolKey{interface.name, interface.link_changes, interface.admin_up};
}

namespace {
// ethtool_key(interface) == key, without copying the name.
bool same_key(const EthtoolKey& key, const Interface& interface) {
  return key.admin_up == interface.admin_up && key.link_changes == interface.link_changes && key.name == interface.name;
}
}  // namespace

void EthtoolCache::lookup(std::span<const Interface> interfaces, const Use& use) {
  std::vector<std::size_t> misses;
  {
    std::lock_guard lock(mutex_);
    const std::uint64_t now = ++lookups_;
    for (std::size_t k = 0; k < interfaces.size(); ++k) {
      const auto it = entries_.find(interfaces[k].index);
      if (it != entries_.end() && same_key(it->second.key, interfaces[k])) {
        it->second.seen = now;
        use(k, it->second.info);
      } else {
        misses.push_back(k);
      }
    }
    // In the same critical section as the marking, so that a concurrent lookup cannot erase
    // what this one found. A miss's stale entry goes too; it is fetched again below.
    std::erase_if(entries_, [now](const auto& entry) { return entry.second.seen != now; });
  }
  for (const std::size_t k : misses) {
    const Interface& interface = interfaces[k];
    EthtoolInfo info = fetch_(interface.name);
    use(k, info);
    std::lock_guard lock(mutex_);
    entries_.insert_or_assign(interface.index, Entry{ethtool_key(interface), std::move(info), lookups_});
  }
}

std::size_t EthtoolCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace ifmib::platform::netlink
