// The Linux reader: one kernel dump per kind per scrape (rtnetlink for links and qdiscs,
// procfs where netlink lacks what the metrics need), joined into the platform snapshots. Send
// queues read on their own take interface names from a cache kept current by the kernel's link
// announcements (link_name_cache.h) instead of a link dump with statistics.

#include <memory>
#include <optional>

#include "platform/linux/ethtool_cache.h"
#include "platform/linux/inet6_groups.h"
#include "platform/linux/link_dump_parser.h"
#include "platform/linux/link_name_cache.h"
#include "platform/linux/mcast_dump_parser.h"
#include "platform/linux/linux_reader.h"
#include "platform/linux/netlink_socket.h"
#include "platform/linux/process_stats.h"
#include "platform/linux/procfs_file.h"
#include "platform/linux/procfs_mcast_parser.h"
#include "platform/linux/qdisc_dump_parser.h"
#include "platform/reader.h"

namespace ifmib::platform {

namespace {

Result<std::vector<netlink::LinkRow>> read_links(const LinuxSource& source) {
  auto bytes = source.dump(netlink::DumpRequest::links());
  if (!bytes) return bytes.error();
  auto rows = netlink::parse_link_dump(*bytes);
  if (!rows) return rows.error().within("RTM_GETLINK dump");
  return rows;
}

// The facts of an Interface the send-queue join needs.
std::vector<netlink::LinkName> link_names_of(const std::vector<Interface>& interfaces) {
  std::vector<netlink::LinkName> names;
  names.reserve(interfaces.size());
  for (const auto& i : interfaces) names.push_back({i.index, i.name, i.tx_queue_length});
  return names;
}

Result<std::string> read_if(const LinuxSource& source, bool wanted, const std::string& path) {
  if (!wanted) return std::string{};
  return source.read_file(path);
}

class LinuxReader final : public Reader {
 public:
  LinuxReader(std::string proc_net_dir, LinuxSource source)
      : proc_net_(std::move(proc_net_dir)),
        source_(std::move(source)),
        ethtool_(source_.ethtool),
        names_(source_.link_events, [this] { return read_links(source_); }) {}

  Result<std::vector<Interface>> interfaces() override {
    auto rows = read_links(source_);
    if (!rows) return rows.error();
    std::vector<Interface> out;
    out.reserve(rows->size());
    for (auto& row : *rows) {
      Interface& i = out.emplace_back(std::move(row.interface));  // one move of ~450 bytes, not two
      i.tx_queue_length = row.txqlen;
    }
    // Driver and speed need one ethtool ioctl per interface: cached, refetched only when the
    // interface is renamed, changes carrier or goes up/down (see ethtool_cache.h).
    ethtool_.lookup(out, [&](std::size_t k, const netlink::EthtoolInfo& info) {
      Interface& i = out[k];
      i.driver = info.driver.empty() ? (*rows)[k].kind : info.driver;
      i.baudrate_bits_per_second = info.speed_bits_per_second;
      i.full_duplex = info.full_duplex;
      i.autonegotiation = info.autonegotiation;
    });
    return out;
  }

  // On its own (no link dump in this scrape): names from the cache, which makes a link dump only
  // after the kernel announced a link change. The qdisc dump comes first, so the names are at
  // least as fresh as the queues.
  Result<std::vector<SendQueue>> send_queues(const SendQueueQuery& query) override {
    auto qdiscs = read_qdiscs();
    if (!qdiscs) return qdiscs.error();
    std::vector<SendQueue> queues;
    auto named = names_.with_names([&](std::span<const netlink::LinkName> names) {
      queues = netlink::send_queues_from(*qdiscs, names, query);
    });
    if (!named) return named.error();
    return queues;
  }

  Result<std::vector<SendQueue>> send_queues_of(const std::vector<Interface>& interfaces,
                                                const SendQueueQuery& query) override {
    auto qdiscs = read_qdiscs();
    if (!qdiscs) return qdiscs.error();
    return netlink::send_queues_from(*qdiscs, link_names_of(interfaces), query);
  }

  Result<MulticastSnapshot> multicast(const MulticastQuery& query) override {
    procfs::ProcfsMulticastRows rows;
    // IPv4: /proc/net/igmp is the only source of the IGMP version, and it lists every group with
    // its users, so it serves even where RTM_GETMULTICAST for AF_INET exists (Linux >= 6.13).
    auto igmp = read_if(source_, query.inet, proc_net_ + "/igmp");
    if (!igmp) return igmp.error();
    auto mcfilter = read_if(source_, query.inet, proc_net_ + "/mcfilter");
    if (!mcfilter) return mcfilter.error();
    auto mcfilter6 = read_if(source_, query.inet6, proc_net_ + "/mcfilter6");
    if (!mcfilter6) return mcfilter6.error();
    auto dev_mcast = read_if(source_, query.link, proc_net_ + "/dev_mcast");
    if (!dev_mcast) return dev_mcast.error();

    if (auto parsed = procfs::parse_igmp(*igmp)) rows.igmp = std::move(*parsed);
    else return parsed.error();
    if (auto parsed = procfs::parse_mcfilter(*mcfilter)) rows.mcfilter = std::move(*parsed);
    else return parsed.error();
    if (auto parsed = procfs::parse_mcfilter6(*mcfilter6)) rows.mcfilter6 = std::move(*parsed);
    else return parsed.error();
    if (auto parsed = procfs::parse_dev_mcast(*dev_mcast)) rows.dev_mcast = std::move(*parsed);
    else return parsed.error();

    // IPv6: the RTM_GETMULTICAST dump where it is enough (see inet6_groups.h: no source filters,
    // no per-group users asked for), else /proc/net/igmp6, which has names and users.
    bool users_unknown = false;
    if (query.inet6 && !query.users && rows.mcfilter6.empty()) {
      if (auto groups = inet6_groups_by_dump(rows)) {
        rows.igmp6 = std::move(*groups);
        users_unknown = true;
      }
    }
    if (query.inet6 && !users_unknown) {
      auto igmp6 = source_.read_file(proc_net_ + "/igmp6");
      if (!igmp6) return igmp6.error();
      if (auto parsed = procfs::parse_igmp6(*igmp6)) rows.igmp6 = std::move(*parsed);
      else return parsed.error();
    }

    MulticastSnapshot snapshot = procfs::to_multicast_snapshot(std::move(rows), query);
    if (users_unknown) {
      for (auto& g : snapshot.groups) {
        if (g.family == AddressFamily::inet6) g.users.reset();
      }
    }
    return snapshot;
  }

  Result<ProcessStats> process() override { return procfs::read_process_stats(); }

 private:
  std::string proc_net_;           // "/proc/net" or "/proc/thread-self/net"; fixed at construction
  LinuxSource source_;             // fixed at construction
  netlink::EthtoolCache ethtool_;  // internally synchronised
  netlink::LinkNameCache names_;   // internally synchronised; for send_queues() alone

  // The inet6 groups from the dump, or nullopt (dump failed or an interface has no name in the
  // procfs rows): then /proc/net/igmp6 is read as before. Never an error of its own.
  std::optional<std::vector<procfs::GroupRow>> inet6_groups_by_dump(const procfs::ProcfsMulticastRows& rows) const {
    auto bytes = source_.dump(netlink::DumpRequest::inet6_multicast());
    if (!bytes) return std::nullopt;
    auto parsed = netlink::parse_mcast_dump(*bytes);
    if (!parsed) return std::nullopt;
    return linux_mcast::inet6_groups_from_dump(*parsed, rows.igmp, rows.dev_mcast);
  }

  Result<std::vector<netlink::QdiscRow>> read_qdiscs() const {
    auto bytes = source_.dump(netlink::DumpRequest::qdiscs());
    if (!bytes) return bytes.error();
    auto qdiscs = netlink::parse_qdisc_dump(*bytes);
    if (!qdiscs) return qdiscs.error().within("RTM_GETQDISC dump");
    return qdiscs;
  }
};

}  // namespace

std::unique_ptr<Reader> make_linux_reader(std::string proc_net_dir, LinuxSource source) {
  return std::make_unique<LinuxReader>(std::move(proc_net_dir), std::move(source));
}

std::unique_ptr<Reader> make_system_reader() {
  // Scrapes of the exporter's own namespace run on threads that never leave it, so their dumps
  // can share sockets kept open between scrapes.
  LinuxSource source;
  source.dump = [sockets = std::make_shared<netlink::DumpSockets>()](const netlink::DumpRequest& request) {
    return sockets->dump(request);
  };
  return make_linux_reader("/proc/net", std::move(source));
}

}  // namespace ifmib::platform
