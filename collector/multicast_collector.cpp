#include "collector/multicast_collector.h"

#include <map>
#include <set>
#include <string>
#include <tuple>

namespace ifmib::collector {

using platform::AddressFamily;
using prometheus::MetricType;

namespace {

const MetricSpec kMetrics[] = {
    {"ifmib_multicast_groups", MetricType::Gauge, "Multicast groups the interface is a member of, per address family."},
    {"ifmib_multicast_sources", MetricType::Gauge,
     "Sources in the filters of the interface's multicast groups, per address family."},
    {"ifmib_igmp_version", MetricType::Gauge, "IGMP version the interface runs in (host compatibility mode)."},
    {"ifmib_mld_version", MetricType::Gauge, "MLD version the interface runs in (host compatibility mode)."},
    // Per-group detail, only with --collector.multicast.groups (like ifmcstat -v).
    {"ifmib_multicast_group_sources", MetricType::Gauge,
     "Sources in the filter of one multicast group; the mode label is the filter mode."},
    {"ifmib_multicast_group_users", MetricType::Gauge, "References (sockets or subsystems) holding one multicast group."},
    {"ifmib_multicast_robustness", MetricType::Gauge, "IGMP or MLD robustness variable of the interface."},
    {"ifmib_multicast_query_interval_seconds", MetricType::Gauge, "IGMP or MLD query interval of the interface."},
    {"ifmib_multicast_query_response_interval_seconds", MetricType::Gauge,
     "IGMP or MLD query response interval of the interface."},
    {"ifmib_multicast_unsolicited_report_interval_seconds", MetricType::Gauge,
     "IGMP or MLD unsolicited report interval of the interface."},
};
enum Metric : std::size_t {
  kGroups, kSources, kIgmpVersion, kMldVersion, kGroupSources, kGroupUsers, kRobustness, kQueryInterval,
  kQueryResponseInterval, kReportInterval, kCount
};
static_assert(kCount == std::size(kMetrics), "keep enum Metric in step with kMetrics");

bool wanted(const platform::MulticastQuery& q, AddressFamily family) {
  switch (family) {
    case AddressFamily::inet: return q.inet;
    case AddressFamily::inet6: return q.inet6;
    case AddressFamily::link: return q.link;
  }
  return false;
}

// One (device, family, group) may be reported more than once (FreeBSD lists a link-layer group
// once per layer-3 group that maps to it). Series must be unique, so memberships are merged.
struct Membership {
  std::optional<platform::FilterMode> mode;
  std::set<std::string> sources;
  std::optional<std::uint64_t> users;
};
using MembershipKey = std::tuple<std::string, AddressFamily, std::string>;

const char* mode_label(const std::optional<platform::FilterMode>& mode) {
  return mode ? platform::to_string(*mode) : "undefined";
}

}  // namespace

std::span<const MetricSpec> MulticastCollector::metrics() { return kMetrics; }

platform::Result<Families> MulticastCollector::collect(platform::Reader& reader) const {
  const platform::MulticastQuery& query = options_.multicast;
  auto snapshot = reader.multicast(query);
  if (!snapshot) return snapshot.error().within("multicast");

  std::map<MembershipKey, Membership> memberships;
  std::set<std::string> devices;
  for (const auto& g : snapshot->groups) {
    if (!wanted(query, g.family) || !options_.devices.accepts(g.device)) continue;
    devices.insert(g.device);
    Membership& m = memberships[{g.device, g.family, g.group}];
    if (g.mode) m.mode = g.mode;
    m.sources.insert(g.sources.begin(), g.sources.end());
    if (g.users) m.users = m.users.value_or(0) + *g.users;
  }
  for (const auto& p : snapshot->protocols) {
    if (wanted(query, p.family) && options_.devices.accepts(p.device)) devices.insert(p.device);
  }

  std::vector<prometheus::MetricFamily> f;
  for (const auto& spec : kMetrics) f.push_back(make_family(spec));

  // Counts per device and family: a device we know of with no group in a family is a real 0.
  std::map<std::pair<std::string, AddressFamily>, std::pair<std::size_t, std::size_t>> counts;
  for (const auto& device : devices) {
    for (AddressFamily family : {AddressFamily::inet, AddressFamily::inet6, AddressFamily::link}) {
      if (wanted(query, family)) counts[{device, family}] = {0, 0};
    }
  }
  for (const auto& [key, m] : memberships) {
    const auto& [device, family, group] = key;
    auto& [groups, sources] = counts[{device, family}];
    ++groups;
    sources += m.sources.size();
    if (!query.detail) continue;
    if (family != AddressFamily::link) {
      add_sample(f[kGroupSources],
                 {{"device", device}, {"family", platform::to_string(family)}, {"group", group},
                  {"mode", mode_label(m.mode)}},
                 static_cast<double>(m.sources.size()));
    }
    if (m.users) {
      add_sample(f[kGroupUsers], {{"device", device}, {"family", platform::to_string(family)}, {"group", group}},
                 static_cast<double>(*m.users));
    }
  }
  for (const auto& [key, value] : counts) {
    const char* family = platform::to_string(key.second);
    add_sample(f[kGroups], {{"device", key.first}, {"family", family}}, static_cast<double>(value.first));
    if (key.second != AddressFamily::link) {
      add_sample(f[kSources], {{"device", key.first}, {"family", family}}, static_cast<double>(value.second));
    }
  }

  std::set<std::pair<std::string, AddressFamily>> seen_protocols;
  for (const auto& p : snapshot->protocols) {
    if (!wanted(query, p.family) || !options_.devices.accepts(p.device)) continue;
    if (!seen_protocols.insert({p.device, p.family}).second) continue;
    add_sample(f[p.family == AddressFamily::inet ? kIgmpVersion : kMldVersion], {{"device", p.device}}, p.version);
    if (!query.detail) continue;
    const char* family = platform::to_string(p.family);
    if (p.robustness) add_sample(f[kRobustness], {{"device", p.device}, {"family", family}}, *p.robustness);
    if (p.query_interval_seconds) {
      add_sample(f[kQueryInterval], {{"device", p.device}, {"family", family}}, *p.query_interval_seconds);
    }
    if (p.query_response_interval_seconds) {
      add_sample(f[kQueryResponseInterval], {{"device", p.device}, {"family", family}},
                 *p.query_response_interval_seconds);
    }
    if (p.unsolicited_report_interval_seconds) {
      add_sample(f[kReportInterval], {{"device", p.device}, {"family", family}},
                 *p.unsolicited_report_interval_seconds);
    }
  }
  Families out;
  append_nonempty(out, std::move(f));
  return out;
}

}  // namespace ifmib::collector
