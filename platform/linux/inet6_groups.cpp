#include "platform/linux/inet6_groups.h"

#include <string>
#include <unordered_map>

namespace ifmib::platform::linux_mcast {

std::optional<std::vector<procfs::GroupRow>> inet6_groups_from_dump(const std::vector<netlink::MulticastRow>& dump,
                                                                    const procfs::IgmpTable& igmp,
                                                                    const std::vector<procfs::LinkGroupRow>& dev_mcast) {
  std::unordered_map<std::uint32_t, const std::string*> names;
  names.reserve(igmp.interfaces.size() + dev_mcast.size());
  for (const auto& itf : igmp.interfaces) names.emplace(itf.index, &itf.device);
  for (const auto& row : dev_mcast) names.emplace(row.index, &row.device);

  std::vector<procfs::GroupRow> out;
  out.reserve(dump.size());
  for (const auto& row : dump) {
    if (row.family != AddressFamily::inet6) continue;
    const auto name = names.find(row.ifindex);
    if (name == names.end()) return std::nullopt;
    out.push_back({row.ifindex, *name->second, row.group, 0});
  }
  return out;
}

}  // namespace ifmib::platform::linux_mcast
