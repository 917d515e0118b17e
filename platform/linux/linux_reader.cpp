// The Linux reader: one kernel dump per kind per scrape (rtnetlink for links and qdiscs,
// procfs where netlink lacks what the metrics need), joined into the platform snapshots. Send
// queues read on their own take interface names from a cache kept current by the kernel's link
// announcements (link_name_cache.h) instead of a link dump with statistics.

#include <memory>
#include <optional>
#include <tuple>

#include "platform/linux/ethtool_cache.h"
#include "platform/linux/inet6_groups.h"
#include "platform/linux/link_dump_parser.h"
#include "platform/linux/link_name_cache.h"
#include "platform/linux/mcast_dump_parser.h"
#include "platform/linux/multicast_memo.h"
#include "platform/linux/linux_reader.h"
#include "platform/linux/netlink_message.h"
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
    auto bytes = source_.dump(netlink::DumpRequest::links());
    if (!bytes) return bytes.error();
    std::vector<std::string> kinds;
    auto read = netlink::parse_link_interfaces(*bytes, kinds);
    if (!read) return read.error().within("RTM_GETLINK dump");
    std::vector<Interface>& out = *read;
    // Driver and speed need one ethtool ioctl per interface: cached, refetched only when the
    // interface is renamed, changes carrier or goes up/down (see ethtool_cache.h).
    ethtool_.lookup(out, [&](std::size_t k, const netlink::EthtoolInfo& info) {
      Interface& i = out[k];
      i.driver = info.driver.empty() ? kinds[k] : info.driver;
      i.baudrate_bits_per_second = info.speed_bits_per_second;
      i.full_duplex = info.full_duplex;
      i.autonegotiation = info.autonegotiation;
    });
    return read;
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
    auto shared = shared_multicast(query);
    if (!shared) return shared.error();
    return **shared;
  }

  // Reads everything the query needs, in the same order and with the same decisions whether or
  // not the bytes turn out to be those of the last snapshot (multicast_memo.h); parses only when
  // they are not.
  Result<std::shared_ptr<const MulticastSnapshot>> shared_multicast(const MulticastQuery& query) override {
    auto entry = std::make_shared<linux_mcast::MulticastMemoEntry>();
    linux_mcast::MulticastInputs& in = entry->inputs;
    in.query = query;
    // IPv4: /proc/net/igmp is the only source of the IGMP version, and it lists every group with
    // its users, so it serves even where RTM_GETMULTICAST for AF_INET exists (Linux >= 6.13).
    for (auto [text, wanted, file] : {std::tuple{&in.igmp, query.inet, "/igmp"},
                                      {&in.mcfilter, query.inet, "/mcfilter"},
                                      {&in.mcfilter6, query.inet6, "/mcfilter6"},
                                      {&in.dev_mcast, query.link, "/dev_mcast"}}) {
      auto read = read_if(source_, wanted, proc_net_ + file);
      if (!read) return read.error();
      *text = std::move(*read);
    }
    const auto last = memo_.get();
    bool same = last && in.same_files_as(last->inputs);

    procfs::ProcfsMulticastRows rows;
    bool parsed = false;
    const auto parse_files = [&]() -> Status {
      if (parsed) return ok_status();
      parsed = true;
      if (auto p = procfs::parse_igmp(in.igmp)) rows.igmp = std::move(*p);
      else return p.error();
      if (auto p = procfs::parse_mcfilter(in.mcfilter)) rows.mcfilter = std::move(*p);
      else return p.error();
      if (auto p = procfs::parse_mcfilter6(in.mcfilter6)) rows.mcfilter6 = std::move(*p);
      else return p.error();
      if (auto p = procfs::parse_dev_mcast(in.dev_mcast)) rows.dev_mcast = std::move(*p);
      else return p.error();
      return ok_status();
    };
    if (!same) {
      if (auto status = parse_files(); !status) return status.error();
    }

    // IPv6: the RTM_GETMULTICAST dump where it is enough (see inet6_groups.h: no source filters,
    // no per-group users asked for), else /proc/net/igmp6, which has names and users.
    if (query.inet6) {
      in.tried_dump = same ? last->inputs.tried_dump : !query.users && rows.mcfilter6.empty();
      if (in.tried_dump) {
        if (auto bytes = source_.dump(netlink::DumpRequest::inet6_multicast())) in.inet6_dump = std::move(*bytes);
        same = same && in.inet6_dump.has_value() == last->inputs.inet6_dump.has_value() &&
               (!in.inet6_dump || netlink::same_messages(*in.inet6_dump, *last->inputs.inet6_dump));
        if (same) {
          in.used_dump = last->inputs.used_dump;
        } else if (in.inet6_dump) {
          if (auto status = parse_files(); !status) return status.error();
          if (auto dumped = netlink::parse_mcast_dump(*in.inet6_dump)) {
            if (auto groups = linux_mcast::inet6_groups_from_dump(*dumped, rows.igmp, rows.dev_mcast)) {
              rows.igmp6 = std::move(*groups);
              in.used_dump = true;
            }
          }
        }
      }
      if (!in.used_dump) {
        auto igmp6 = source_.read_file(proc_net_ + "/igmp6");
        if (!igmp6) return igmp6.error();
        in.igmp6 = std::move(*igmp6);
        same = same && in.igmp6 == last->inputs.igmp6;
      }
    }
    if (same) return last->snapshot;

    if (auto status = parse_files(); !status) return status.error();
    if (in.igmp6) {
      if (auto p = procfs::parse_igmp6(*in.igmp6)) rows.igmp6 = std::move(*p);
      else return p.error();
    }
    MulticastSnapshot snapshot = procfs::to_multicast_snapshot(std::move(rows), query);
    if (in.used_dump) {
      for (auto& g : snapshot.groups) {
        if (g.family == AddressFamily::inet6) g.users.reset();
      }
    }
    entry->snapshot = std::make_shared<const MulticastSnapshot>(std::move(snapshot));
    // Kept at their size: a read's buffer has room to spare (procfs_file.cpp starts at 16 KiB,
    // a dump at its last size plus 64 KiB), which a reader per namespace would otherwise keep
    // (bench/netns.sh: 0.1 MiB per namespace of 10 interfaces).
    for (std::string* text : {&in.igmp, &in.mcfilter, &in.mcfilter6, &in.dev_mcast}) text->shrink_to_fit();
    if (in.igmp6) in.igmp6->shrink_to_fit();
    if (in.inet6_dump) in.inet6_dump = netlink::DumpBytes(*in.inet6_dump);  // a copy has no spare room
    auto made = entry->snapshot;
    memo_.keep(std::move(entry));
    return made;
  }

  Result<ProcessStats> process() override { return procfs::read_process_stats(); }

 private:
  std::string proc_net_;           // "/proc/net" or "/proc/thread-self/net"; fixed at construction
  LinuxSource source_;             // fixed at construction
  netlink::EthtoolCache ethtool_;  // internally synchronised
  netlink::LinkNameCache names_;   // internally synchronised; for send_queues() alone
  linux_mcast::MulticastMemo memo_;  // internally synchronised

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
