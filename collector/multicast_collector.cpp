#include "collector/multicast_collector.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ifmib::collector {

using platform::AddressFamily;
using prometheus::MetricType;

namespace {

// Positions in kMetrics; each row below names its own.
enum Metric : std::size_t {
  kGroups, kSources, kIgmpVersion, kMldVersion, kGroupSources, kGroupUsers, kRobustness, kQueryInterval,
  kQueryResponseInterval, kReportInterval, kCount
};
constexpr MetricRow<Metric> kRows[] = {
    {kGroups,
     {"ifmib_multicast_groups", MetricType::Gauge,
      "Multicast groups the interface is a member of, per address family."}},
    {kSources,
     {"ifmib_multicast_sources", MetricType::Gauge,
      "Sources in the filters of the interface's multicast groups, per address family."}},
    {kIgmpVersion,
     {"ifmib_igmp_version", MetricType::Gauge,
      "IGMP version the interface runs in (host compatibility mode)."}},
    {kMldVersion,
     {"ifmib_mld_version", MetricType::Gauge,
      "MLD version the interface runs in (host compatibility mode)."}},
    // Per-group detail, only with --collector.multicast.groups (like ifmcstat -v).
    {kGroupSources,
     {"ifmib_multicast_group_sources", MetricType::Gauge,
      "Sources in the filter of one multicast group; the mode label is the filter mode."}},
    {kGroupUsers,
     {"ifmib_multicast_group_users", MetricType::Gauge,
      "References (sockets or subsystems) holding one multicast group."}},
    {kRobustness,
     {"ifmib_multicast_robustness", MetricType::Gauge,
      "IGMP or MLD robustness variable of the interface."}},
    {kQueryInterval,
     {"ifmib_multicast_query_interval_seconds", MetricType::Gauge,
      "IGMP or MLD query interval of the interface."}},
    {kQueryResponseInterval,
     {"ifmib_multicast_query_response_interval_seconds", MetricType::Gauge,
      "IGMP or MLD query response interval of the interface."}},
    {kReportInterval,
     {"ifmib_multicast_unsolicited_report_interval_seconds", MetricType::Gauge,
      "IGMP or MLD unsolicited report interval of the interface."}},
};
constexpr auto kMetrics = metric_table<kCount>(kRows);

bool wanted(const platform::MulticastQuery& q, AddressFamily family) {
  switch (family) {
    case AddressFamily::inet: return q.inet;
    case AddressFamily::inet6: return q.inet6;
    case AddressFamily::link: return q.link;
  }
  return false;
}

// One (device, family, group), the membership key, may be reported more than once (FreeBSD
// lists a link-layer group once per layer-3 group that maps to it). Series must be unique, so
// memberships are merged. Groups are sorted by the key rather than collected in a map: at 1000
// interfaces the map's nodes and key copies were 40% of the collector's instructions
// (bench/callgrind.sh).

// Groups in membership-key order, each with its device's rank among the device names (name
// order): later steps compare ranks, not names (a memcmp call per comparison, perf).
struct SortedGroups {
  std::vector<const platform::MulticastGroup*> groups;
  std::vector<std::uint32_t> device_rank;  // of groups[i]
};

// Sorts by the membership key, stably: where a key repeats, the last mode reported wins, as the
// platform listed them. Device names are ranked once, the groups bucketed by that rank, and only
// each device's dozen groups compared: one stable_sort of all of them by the whole key cost
// 7.3 M instructions per scrape at 1000 interfaces, this 3.9 M (bench/callgrind.sh).
SortedGroups sort_by_membership_key(const std::vector<const platform::MulticastGroup*>& groups) {
  std::unordered_map<std::string_view, std::uint32_t> id_of;
  std::vector<std::string_view> names;
  std::vector<std::uint32_t> ids;
  ids.reserve(groups.size());
  // A platform lists each device's groups together, so most lookups repeat the last one.
  std::string_view last_name;
  std::uint32_t last_id = 0;
  for (const auto* g : groups) {
    if (ids.empty() || g->device != last_name) {
      const auto [it, inserted] = id_of.try_emplace(g->device, static_cast<std::uint32_t>(names.size()));
      if (inserted) names.push_back(g->device);
      last_name = g->device;
      last_id = it->second;
    }
    ids.push_back(last_id);
  }
  std::vector<std::uint32_t> by_name(names.size());
  for (std::uint32_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(), [&](auto a, auto b) { return names[a] < names[b]; });
  std::vector<std::uint32_t> rank(names.size());
  for (std::uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;

  // Counting sort by device rank (stable, linear), then each device's few groups by the rest
  // of the key.
  std::vector<std::size_t> start(names.size() + 1, 0);
  for (const auto id : ids) ++start[rank[id] + 1];
  for (std::size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
  SortedGroups sorted;
  auto& out = sorted.groups;
  out.resize(groups.size());
  sorted.device_rank.resize(groups.size());
  std::vector<std::size_t> fill(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::uint32_t r = rank[ids[i]];
    sorted.device_rank[fill[r]] = r;
    out[fill[r]++] = groups[i];
  }
  // Insertion sort: stable, and for a device's dozen groups cheaper than std::stable_sort,
  // which allocates a buffer per call (a thousand calls per scrape).
  const auto before = [](const platform::MulticastGroup* a, const platform::MulticastGroup* b) {
    return std::tie(a->family, a->group) < std::tie(b->family, b->group);
  };
  for (std::size_t r = 0; r + 1 < start.size(); ++r) {
    for (std::size_t i = start[r] + 1; i < start[r + 1]; ++i) {
      const platform::MulticastGroup* g = out[i];
      std::size_t j = i;
      for (; j > start[r] && before(g, out[j - 1]); --j) out[j] = out[j - 1];
      out[j] = g;
    }
  }
  return sorted;
}

struct Membership {
  const platform::MulticastGroup* first = nullptr;  // device, family and group of the run
  std::uint32_t device_rank = 0;                    // SortedGroups::device_rank of the run
  std::optional<platform::FilterMode> mode;         // the last one reported
  std::size_t sources = 0;                          // distinct sources over the run
  std::optional<std::uint64_t> users;               // summed over the run
};

// Merges each run of equal keys in `sorted` into one Membership, in key order.
std::vector<Membership> merge_runs(const SortedGroups& by_key) {
  const auto& sorted = by_key.groups;
  const auto same_key = [&](std::size_t a, std::size_t b) {
    return by_key.device_rank[a] == by_key.device_rank[b] && sorted[a]->family == sorted[b]->family &&
           sorted[a]->group == sorted[b]->group;
  };
  std::vector<Membership> out;
  out.reserve(sorted.size());
  std::vector<platform::Address> sources;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t end = i + 1;
    while (end < sorted.size() && same_key(end, i)) ++end;
    Membership m;
    m.first = sorted[i];
    m.device_rank = by_key.device_rank[i];
    sources.clear();
    for (std::size_t k = i; k < end; ++k) {
      const auto& g = *sorted[k];
      if (g.mode) m.mode = g.mode;
      if (g.users) m.users = m.users.value_or(0) + *g.users;
      sources.insert(sources.end(), g.sources.begin(), g.sources.end());
    }
    std::sort(sources.begin(), sources.end());
    m.sources = static_cast<std::size_t>(std::unique(sources.begin(), sources.end()) - sources.begin());
    out.push_back(m);
    i = end;
  }
  return out;
}

using ProtocolKey = std::pair<std::string_view, AddressFamily>;
struct ProtocolKeyHash {
  std::size_t operator()(const ProtocolKey& k) const {
    return std::hash<std::string_view>{}(k.first) ^ static_cast<std::size_t>(k.second);
  }
};

const char* mode_label(const std::optional<platform::FilterMode>& mode) {
  return mode ? platform::to_string(*mode) : "undefined";
}

}  // namespace

std::span<const MetricSpec> MulticastCollector::metrics() { return kMetrics; }

Result<Families> MulticastCollector::collect(platform::Reader& reader) const {
  platform::MulticastQuery query = options_.multicast;
  query.users = options_.multicast_groups;  // the per-group series show users; the counts do not need them
  auto snapshot = reader.shared_multicast(query);
  if (!snapshot) return snapshot.error().within("multicast");
  if (const auto last = last_.get(); last && last->snapshot == *snapshot) return last->families;
  Families families = families_of(**snapshot, query);
  last_.keep(std::make_shared<const Made>(Made{std::move(*snapshot), families}));
  return families;
}

Families MulticastCollector::families_of(const platform::MulticastSnapshot& snapshot,
                                         const platform::MulticastQuery& query) const {
  const bool detail = options_.multicast_groups;
  std::vector<const platform::MulticastGroup*> sorted;
  sorted.reserve(snapshot.groups.size());
  for (const auto& g : snapshot.groups) {
    if (wanted(query, g.family) && options_.devices.accepts(g.device)) sorted.push_back(&g);
  }
  const std::vector<Membership> memberships = merge_runs(sort_by_membership_key(sorted));

  // Every device with a group or a protocol row; a device we know of with no group in a family
  // is a real 0.
  // The memberships' devices are already in name order; only the protocol rows' need sorting.
  std::vector<std::string_view> group_devices;
  std::vector<std::uint32_t> group_device_ranks;  // of group_devices[k]
  for (const auto& m : memberships) {
    if (group_device_ranks.empty() || group_device_ranks.back() != m.device_rank) {
      group_devices.push_back(m.first->device);
      group_device_ranks.push_back(m.device_rank);
    }
  }
  std::vector<std::string_view> protocol_devices;
  for (const auto& p : snapshot.protocols) {
    if (wanted(query, p.family) && options_.devices.accepts(p.device)) protocol_devices.push_back(p.device);
  }
  std::sort(protocol_devices.begin(), protocol_devices.end());
  protocol_devices.erase(std::unique(protocol_devices.begin(), protocol_devices.end()), protocol_devices.end());
  std::vector<std::string_view> devices;
  devices.reserve(group_devices.size() + protocol_devices.size());
  std::set_union(group_devices.begin(), group_devices.end(), protocol_devices.begin(), protocol_devices.end(),
                 std::back_inserter(devices));

  Families f;
  for (const auto& spec : kMetrics) f.push_back(make_family(spec));
  // Sized once (see the interface MIB's collector): a count per device and family.
  std::size_t device_label_bytes = 0;
  for (const auto device : devices) device_label_bytes += device_label_size(device);
  constexpr std::size_t kFamilyLabel = std::string_view(",family=\"inet6\"").size();
  reserve(f[kGroups], 3 * devices.size(), 3 * (device_label_bytes + devices.size() * kFamilyLabel));
  reserve(f[kSources], 2 * devices.size(), 2 * (device_label_bytes + devices.size() * kFamilyLabel));

  if (detail) {
    for (const auto& m : memberships) {
      const auto& g = *m.first;
      const char* family = platform::to_string(g.family);
      const std::string group = platform::address_text(g.family, g.group);
      if (g.family != AddressFamily::link) {
        add_sample(f[kGroupSources], {{"device", g.device}, {"family", family}, {"group", group}, {"mode", mode_label(m.mode)}},
                   static_cast<double>(m.sources));
      }
      if (m.users) {
        add_sample(f[kGroupUsers], {{"device", g.device}, {"family", family}, {"group", group}},
                   static_cast<double>(*m.users));
      }
    }
  }
  // Counts per device and family: devices and memberships are both in device order, so one
  // pass over the memberships serves all devices.
  // Each device's label rendered once for its five series (checking and escaping a name per
  // series was a tenth of the collector's instructions, bench/callgrind.sh).
  // group_devices is the part of devices with memberships, in the same order: one name
  // comparison per device finds a device's memberships, which then go by rank.
  auto next = memberships.begin();
  std::size_t next_group_device = 0;
  for (const auto device : devices) {
    const RenderedLabels device_label({{"device", device}});
    const bool has_groups = next_group_device < group_devices.size() && group_devices[next_group_device] == device;
    const std::uint32_t rank = has_groups ? group_device_ranks[next_group_device++] : 0;
    for (AddressFamily family : {AddressFamily::inet, AddressFamily::inet6, AddressFamily::link}) {
      std::size_t groups = 0, sources = 0;
      for (; has_groups && next != memberships.end() && next->device_rank == rank && next->first->family == family;
           ++next) {
        ++groups;
        sources += next->sources;
      }
      if (!wanted(query, family)) continue;
      const char* name = platform::to_string(family);
      add_sample(f[kGroups], device_label, {{"family", name}}, static_cast<double>(groups));
      if (family != AddressFamily::link) {
        add_sample(f[kSources], device_label, {{"family", name}}, static_cast<double>(sources));
      }
    }
  }

  // A platform may list a device's protocol twice; the first row counts. Hashed: an ordered set
  // compared names with a memcmp call per step (perf).
  std::unordered_set<ProtocolKey, ProtocolKeyHash> seen_protocols;  // views of the snapshot
  seen_protocols.reserve(snapshot.protocols.size());
  for (const auto& p : snapshot.protocols) {
    if (!wanted(query, p.family) || !options_.devices.accepts(p.device)) continue;
    if (!seen_protocols.insert({p.device, p.family}).second) continue;
    add_sample(f[p.family == AddressFamily::inet ? kIgmpVersion : kMldVersion], {{"device", p.device}}, p.version);
    if (!detail) continue;
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
