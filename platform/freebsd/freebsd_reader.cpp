#include "platform/freebsd/freebsd_reader.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "platform/freebsd/abi_layout.h"
#include "platform/freebsd/host_bytes.h"
#include "platform/freebsd/ifmaddrs_decode.h"
#include "platform/freebsd/ifmib_decode.h"
#include "platform/freebsd/media_decode.h"
#include "platform/freebsd/mcast_filter_decode.h"
#include "platform/freebsd/stack_decode.h"
#include "platform/freebsd/txq_decode.h"

namespace ifmib::platform::freebsd {

namespace {

namespace L = layout;
using Bytes = std::vector<std::uint8_t>;

// Names whose intermediate nodes are OID_AUTO [ABI §6-7]; resolved once, then cached.
constexpr const char* kIpFilters = "net.inet.ip.mcast.filters";
constexpr const char* kIp6Filters = "net.inet6.ip6.mcast.filters";
constexpr const char* kIgmpIfinfo = "net.inet.igmp.ifinfo";
constexpr const char* kMldIfinfo = "net.inet6.mld.ifinfo";
// Bound on txq nodes read per interface: iflib's names have at most 3 digits, and no driver
// has more transmit queues than that.
constexpr int kMaxTxqs = 1000;
// BRDGGIFS buffer: ifconfig's first size (ifbridge.c bridge_interfaces, 8192 bytes = 102 members),
// doubled while the answer fills it, at most this many times (2 MiB, 26214 members).
constexpr std::size_t kBridgeBufferBytes = 8192;
constexpr int kBridgeBufferDoublings = 8;

std::string mib_text(std::span<const int> mib) {
  std::string out;
  for (const int v : mib) {
    if (!out.empty()) out += '.';  // not "." + std::string: a false -Wrestrict of GCC 12 at -O3
    out += std::to_string(v);
  }
  return out;
}

bool is_errno(const Error& e, int err) { return e.sys_errno == err; }

/// What one walk over the ifdata table found for one row.
struct Row {
  std::uint32_t index = 0;
  IfmibRow general;
};

class FreebsdReader final : public Reader {
 public:
  FreebsdReader(std::shared_ptr<sysctl::Source> source, ReaderOptions options)
      : source_(std::move(source)), options_(std::move(options)) {
    if (options_.attempts < 1) options_.attempts = 1;
  }

  Result<std::vector<Interface>> interfaces() override {
    std::vector<Interface> out;
    std::vector<std::pair<std::size_t, StackKind>> stacked;  // lagg, vlan, bridge: position in out
    auto walked = walk([&](const Row& row) -> Status {
      const int r = static_cast<int>(row.index);
      auto driver = read({L::kCtlNet, L::kAfLink, L::kNetlinkGeneric, L::kIfmibIfdata, r,
                          L::kIfdataDrivername});
      if (!driver) return driver.error();
      auto link = read({L::kCtlNet, L::kAfLink, L::kNetlinkGeneric, L::kIfmibIfdata, r,
                        L::kIfdataLinkspecific});
      if (!link) return link.error();
      std::string nameunit = decode_driver_name(*driver);
      const StackKind kind = stack_kind(nameunit);
      Interface i = to_interface(row.general, row.index, std::move(nameunit), decode_ether_mib(*link));
      // No media (lo0, clones: EINVAL/ENOTTY) or a vanished interface: duplex and autoneg stay unknown.
      if (auto media = source_->media(row.general.name)) {
        auto words = decode_ifmediareq(*media);
        if (!words) return words.error().within("SIOCGIFMEDIA " + row.general.name);
        const MediaState state = decode_media(*words);
        i.full_duplex = state.full_duplex;
        i.autonegotiation = state.autonegotiation;
      }
      if (kind != StackKind::none) stacked.emplace_back(out.size(), kind);
      out.push_back(std::move(i));
      return ok_status();
    });
    if (!walked) return walked.error().within("interfaces");
    read_stacking(out, stacked);
    return out;
  }

  Result<std::vector<SendQueue>> send_queues(const SendQueueQuery& query) override {
    std::vector<SendQueue> out;
    auto walked = walk([&](const Row& row) -> Status {
      const int r = static_cast<int>(row.index);
      auto driver = read({L::kCtlNet, L::kAfLink, L::kNetlinkGeneric, L::kIfmibIfdata, r,
                          L::kIfdataDrivername});
      if (!driver) return driver.error();
      auto queue = send_queue_of(row, decode_driver_name(*driver), query);
      if (!queue) return queue.error();
      out.push_back(std::move(*queue));
      return ok_status();
    });
    if (!walked) return walked.error().within("send_queues");
    return out;
  }

  Result<MulticastSnapshot> multicast(const MulticastQuery& query) override {
    auto result = read_multicast(query);
    if (!result) return result.error().within("multicast");
    return result;
  }

  Result<ProcessStats> process() override {
    if (!options_.process) return Error::invalid("process", "no process statistics source configured");
    return options_.process();
  }

  std::vector<Error> take_notes() override {
    std::lock_guard lock(notes_mu_);
    return std::exchange(notes_, {});
  }

 private:
  // Bounded, so a reader nobody asks (a test, --dump) does not grow without end.
  static constexpr std::size_t kMaxNotes = 64;

  void note(const Error& error) {
    std::lock_guard lock(notes_mu_);
    if (notes_.size() < kMaxNotes) notes_.push_back(error);
  }

  // One sysctl read, retried while the value keeps growing between probe and read.
  Result<Bytes> read(std::vector<int> mib) {
    Result<Bytes> last = Error::from_errno("", ENOMEM);
    for (int attempt = 0; attempt < options_.attempts; ++attempt) {
      last = source_->read(mib);
      if (last || !is_errno(last.error(), ENOMEM)) break;
    }
    if (!last) {
      Error e = last.error();
      e.context = "sysctl " + mib_text(mib) + (e.context.empty() ? "" : " " + e.context);
      return e;
    }
    return last;
  }

  // The MIB of `name`, or nullopt when the kernel has no such node. Cached, including "absent".
  Result<std::optional<std::vector<int>>> resolved(const std::string& name) {
    {
      std::lock_guard lock(mu_);
      if (auto it = resolved_.find(name); it != resolved_.end()) return it->second;
    }
    auto mib = source_->resolve(name);
    std::optional<std::vector<int>> value;
    if (mib) {
      value = std::move(*mib);
    } else if (!is_errno(mib.error(), ENOENT)) {
      return mib.error().within("sysctlnametomib " + name);
    }
    std::lock_guard lock(mu_);
    return resolved_.emplace(name, std::move(value)).first->second;
  }

  // Whether the kernel has a sysctl node of this name. Not cached: dev.* nodes come and go with
  // drivers, and their OID_AUTO numbers may be reused.
  Result<bool> exists(const std::string& name) {
    auto mib = source_->resolve(name);
    if (mib) return true;
    if (is_errno(mib.error(), ENOENT)) return false;
    return mib.error().within("sysctlnametomib " + name);
  }

  // A 64-bit counter by name; nullopt when the node does not exist (or vanished).
  Result<std::optional<std::uint64_t>> read_u64(const std::string& name) {
    auto mib = source_->resolve(name);
    if (!mib) {
      if (is_errno(mib.error(), ENOENT)) return std::optional<std::uint64_t>();
      return mib.error().within("sysctlnametomib " + name);
    }
    auto bytes = read(*mib);
    if (!bytes) {
      if (is_errno(bytes.error(), ENOENT)) return std::optional<std::uint64_t>();
      return bytes.error().within(name);
    }
    auto value = decode_sysctl_u64(*bytes);
    if (!value) return value.error().within(name);
    return std::optional<std::uint64_t>(*value);
  }

  // The mp_ring counters of txq nodes prefix + node(0), prefix + node(1), ... up to the first
  // that has no r_drops. The nodes are numbered from 0 without gaps (iflib and cxgbe create them
  // in one loop over the queues), so the first missing one ends the list. `detail`: also
  // r_enqueues and r_stalls (only the per-queue series need them).
  template <class NodeName>
  Result<std::vector<TransmitQueue>> ring_txqs(const std::string& prefix, NodeName node, bool detail) {
    std::vector<TransmitQueue> txqs;
    for (int i = 0; i < kMaxTxqs; ++i) {
      const std::string base = prefix + node(i);
      auto drops = read_u64(base + ".r_drops");
      if (!drops) return drops.error();
      if (!*drops) break;
      TransmitQueue t;
      t.queue = std::to_string(i);
      t.drops = **drops;
      if (!detail) {
        txqs.push_back(std::move(t));
        continue;
      }
      auto enqueues = read_u64(base + ".r_enqueues");
      if (!enqueues) return enqueues.error();
      t.enqueues = *enqueues;
      auto stalls = read_u64(base + ".r_stalls");
      if (!stalls) return stalls.error();
      t.stalls = *stalls;
      txqs.push_back(std::move(t));
    }
    return txqs;
  }

  // The send queue of one row, read where its driver's transmit path counts (txq_decode.h).
  Result<SendQueue> send_queue_of(const Row& row, const std::string& nameunit, const SendQueueQuery& query) {
    const auto du = split_driver_unit(nameunit);
    if (!du) return send_queue_for(row.general, row.index, TransmitPath::if_snd, {});
    const std::string dev = "dev." + du->driver + "." + std::to_string(du->unit);
    auto iflib = exists(dev + ".iflib");
    if (!iflib) return iflib.error();
    if (*iflib) {
      // The txq names' width depends on the queue count (iflib_add_device_sysctl_post).
      int width = 0;
      for (int w = 1; w <= 3 && width == 0; ++w) {
        auto found = exists(dev + ".iflib." + iflib_txq_name(0, w));
        if (!found) return found.error();
        if (*found) width = w;
      }
      std::vector<TransmitQueue> txqs;
      if (width != 0) {
        // The rings' r_drops are part of the total, so they are read even without per-queue detail.
        auto read_txqs =
            ring_txqs(dev + ".iflib.", [width](int i) { return iflib_txq_name(i, width); }, query.per_queue);
        if (!read_txqs) return read_txqs.error();
        txqs = std::move(*read_txqs);
      }
      SendQueue q = send_queue_for(row.general, row.index, TransmitPath::iflib, std::move(txqs));
      if (!query.per_queue) q.queues.clear();
      return q;
    }
    const TransmitPath path = transmit_path_without_iflib(du->driver);
    std::vector<TransmitQueue> txqs;
    if (path == TransmitPath::cxgbe && query.per_queue) {  // the total needs no ring read
      // t4_setup_vi_queues(): dev.<vi>.<unit>.txq.<i> (sys/dev/cxgbe/t4_sge.c, alloc_txq).
      auto read_txqs = ring_txqs(dev + ".txq.", [](int i) { return std::to_string(i); }, true);
      if (!read_txqs) return read_txqs.error();
      txqs = std::move(*read_txqs);
    }
    return send_queue_for(row.general, row.index, path, std::move(txqs));
  }

  // Master and lower relations from the ioctls of the lagg, vlan and bridge interfaces only (one
  // ioctl each; a bridge with more than 101 members needs more): the other end is named in the
  // answer and found among `out` by its current name. An ioctl that fails or an answer that does
  // not decode costs that interface's relations only: stacking_read false and stacking_error say
  // so, and the call still succeeds.
  void read_stacking(std::vector<Interface>& out, const std::vector<std::pair<std::size_t, StackKind>>& stacked) {
    if (stacked.empty()) return;
    std::unordered_map<std::string, std::size_t> by_name;
    for (std::size_t i = 0; i < out.size(); ++i) by_name.emplace(out[i].name, i);
    for (const auto& [pos, kind] : stacked) {
      Status read = relations_of(out, by_name, pos, kind);
      out[pos].stacking_read = static_cast<bool>(read);
      if (!read) out[pos].stacking_error = read.error().text();
    }
  }

  Status relations_of(std::vector<Interface>& out, const std::unordered_map<std::string, std::size_t>& by_name,
                      std::size_t pos, StackKind kind) {
    const std::string name = out[pos].name;
    const std::uint32_t index = out[pos].index;
    // One master per interface: each driver refuses its own ports twice, and if_bridge.c
    // bridge_ioctl_add refuses a lagg port (IFT_IEEE8023ADLAG), but if_lagg.c lagg_port_create does
    // not look at if_bridge; should an interface have both, the relation read first stays.
    auto set_master = [&](const std::string& slave) {
      if (auto it = by_name.find(slave); it != by_name.end() && !out[it->second].master_index) {
        out[it->second].master_index = index;
      }
    };
    switch (kind) {
      case StackKind::lagg: {
        // LAGG_MAX_PORTS records, as ifconfig's lagg_status: the kernel refuses more ports.
        auto reply = source_->lagg_ports(name, L::kLaggMaxPorts * L::lagg_reqport::kSize);
        if (!reply) return reply.error().within("SIOCGLAGG " + name);
        auto ports = decode_lagg_ports(reply->request, reply->buffer);
        if (!ports) return ports.error().within("SIOCGLAGG " + name);
        for (const auto& port : *ports) set_master(port);
        return ok_status();
      }
      case StackKind::vlan: {
        auto reply = source_->vlan(name);
        if (!reply) return reply.error().within("SIOCGETVLAN " + name);
        auto parent = decode_vlan_parent(*reply);
        if (!parent) return parent.error().within("SIOCGETVLAN " + name);
        if (*parent) {
          if (auto it = by_name.find(**parent); it != by_name.end()) out[pos].lower_index = out[it->second].index;
        }
        return ok_status();
      }
      case StackKind::bridge: {
        std::size_t bytes = kBridgeBufferBytes;
        for (int doubling = 0; doubling <= kBridgeBufferDoublings; ++doubling, bytes *= 2) {
          auto reply = source_->bridge_members(name, bytes);
          if (!reply) return reply.error().within("BRDGGIFS " + name);
          auto members = decode_bridge_members(reply->request, reply->buffer);
          if (!members) return members.error().within("BRDGGIFS " + name);
          if (!members->complete) continue;  // the list may have been cut off: ask with more room
          for (const auto& member : members->members) set_master(member);
          return ok_status();
        }
        return Error::invalid("BRDGGIFS " + name, "member list still fills a buffer of " +
                                                      std::to_string(bytes / 2) + " bytes");
      }
      case StackKind::none:
        break;
    }
    return ok_status();
  }

  // Walks rows 1..ifcount as ifmib(4) prescribes, calling `visit` for each decoded row.
  // ENOENT from `visit` (a row detaching after its general column was read) skips the row.
  template <class Visit>
  Status walk(Visit visit) {
    auto count_bytes = read({L::kCtlNet, L::kAfLink, L::kNetlinkGeneric, L::kIfmibSystem, L::kIfmibIfcount});
    if (!count_bytes) return count_bytes.error().within("net.link.generic.system.ifcount");
    if (count_bytes->size() != sizeof(std::int32_t)) {
      return Error::invalid("net.link.generic.system.ifcount",
                            "length " + std::to_string(count_bytes->size()) + ", expected 4");
    }
    const auto ifcount = detail::load<std::int32_t>(*count_bytes, 0);

    std::optional<Error> first_bad_row;
    bool any_row = false;
    for (std::int32_t r = 1; r <= ifcount; ++r) {
      auto bytes = read({L::kCtlNet, L::kAfLink, L::kNetlinkGeneric, L::kIfmibIfdata, r, L::kIfdataGeneral});
      if (!bytes) {
        if (is_errno(bytes.error(), ENOENT)) continue;
        return bytes.error().within("ifdata row " + std::to_string(r));
      }
      auto general = decode_ifmibdata(*bytes);
      if (!general) {
        Error e = general.error().within("ifdata row " + std::to_string(r));
        note(e);
        if (!first_bad_row) first_bad_row = std::move(e);
        continue;
      }
      Status visited = visit(Row{static_cast<std::uint32_t>(r), std::move(*general)});
      if (!visited) {
        if (is_errno(visited.error(), ENOENT)) continue;
        return visited.error().within("ifdata row " + std::to_string(r));
      }
      any_row = true;
    }
    if (!any_row && first_bad_row) return *first_bad_row;
    return ok_status();
  }

  // The current name of interface `index` from its ifdata row; nullopt when it has gone.
  Result<std::optional<std::string>> name_of(std::uint32_t index) {
    auto bytes = read({L::kCtlNet, L::kAfLink, L::kNetlinkGeneric, L::kIfmibIfdata,
                       static_cast<int>(index), L::kIfdataGeneral});
    if (!bytes) {
      if (is_errno(bytes.error(), ENOENT)) return std::optional<std::string>();
      return bytes.error();
    }
    auto row = decode_ifmibdata(*bytes);
    if (!row) return row.error().within("ifdata row " + std::to_string(index));
    return std::optional<std::string>(row->name);
  }

  // The group's filter state: nullopt (leave mode empty) when the kernel has no filters sysctl
  // for the family; Error ENOENT when the interface went away.
  Result<std::optional<FilterState>> filters_of(const MembershipEntry& e) {
    const bool v6 = e.family == AddressFamily::inet6;
    auto base = resolved(v6 ? kIp6Filters : kIpFilters);
    if (!base) return base.error();
    if (!base->has_value()) return std::optional<FilterState>();
    std::vector<int> mib = **base;
    mib.push_back(static_cast<int>(e.index));
    // The group words are the address bytes as stored (network order), reinterpreted as ints
    // with no byte swap, as ifmcstat passes them [ABI §6].
    const std::size_t words = v6 ? 4 : 1;
    for (std::size_t w = 0; w < words; ++w) {
      int word = 0;
      std::memcpy(&word, e.group.bytes.data() + 4 * w, sizeof word);
      mib.push_back(word);
    }
    auto bytes = read(mib);
    if (!bytes) return bytes.error();
    auto decoded = v6 ? decode_ip6_mcast_filters(*bytes) : decode_ip_mcast_filters(*bytes);
    if (!decoded) return decoded.error().within("group " + address_text(e.family, e.group));
    return decoded;
  }

  template <class Decode>
  Result<std::optional<MulticastProtocol>> protocol_of(const char* name, std::uint32_t index,
                                                       const std::string& device, Decode decode) {
    auto base = resolved(name);
    if (!base) return base.error();
    if (!base->has_value()) return std::optional<MulticastProtocol>();
    std::vector<int> mib = **base;
    mib.push_back(static_cast<int>(index));
    auto bytes = read(mib);
    if (!bytes) {
      // ENOENT: no IGMP/MLD state on this interface (or it has gone).
      if (is_errno(bytes.error(), ENOENT)) return std::optional<MulticastProtocol>();
      return bytes.error().within(name);
    }
    auto info = decode(*bytes);
    if (!info) return info.error().within(std::string(name) + " " + std::to_string(index));
    return std::optional<MulticastProtocol>(to_protocol(*info, device, index));
  }

  Result<MulticastSnapshot> read_multicast(const MulticastQuery& query) {
    auto list = read({L::kCtlNet, L::kAfRoute, 0, 0, L::kNetRtIfmalist, 0});
    if (!list) return list.error().within("NET_RT_IFMALIST");
    auto entries = decode_ifmalist(*list);
    if (!entries) return entries.error().within("NET_RT_IFMALIST");

    MulticastSnapshot snap;
    std::map<std::uint32_t, std::optional<std::string>> names;  // fallback names by index
    std::vector<std::pair<std::uint32_t, std::string>> inet_ifs, inet6_ifs;
    std::set<std::uint32_t> seen_inet, seen_inet6;

    for (auto& e : *entries) {
      const bool wanted = (e.family == AddressFamily::inet && query.inet) ||
                          (e.family == AddressFamily::inet6 && query.inet6) ||
                          (e.family == AddressFamily::link && query.link);
      if (!wanted) continue;
      if (e.device.empty()) {
        auto it = names.find(e.index);
        if (it == names.end()) {
          auto name = name_of(e.index);
          if (!name) return name.error();
          it = names.emplace(e.index, std::move(*name)).first;
        }
        if (!it->second) continue;  // the interface detached since the list was read
        e.device = *it->second;
      }

      MulticastGroup g;
      g.device = e.device;
      g.index = e.index;
      g.family = e.family;
      g.group = e.group;
      if (e.family != AddressFamily::link) {
        auto f = filters_of(e);
        if (!f) {
          if (is_errno(f.error(), ENOENT)) continue;  // the interface detached
          return f.error();
        }
        if (f->has_value()) {
          g.mode = (*f)->mode;
          g.sources = std::move((*f)->sources);
        }
        auto& seen = e.family == AddressFamily::inet ? seen_inet : seen_inet6;
        auto& ifs = e.family == AddressFamily::inet ? inet_ifs : inet6_ifs;
        if (seen.insert(e.index).second) ifs.emplace_back(e.index, e.device);
      }
      snap.groups.push_back(std::move(g));
    }

    for (const auto& [index, device] : inet_ifs) {
      auto p = protocol_of(kIgmpIfinfo, index, device, [](const Bytes& b) { return decode_igmp_ifinfo(b); });
      if (!p) return p.error();
      if (*p) snap.protocols.push_back(std::move(**p));
    }
    for (const auto& [index, device] : inet6_ifs) {
      auto p = protocol_of(kMldIfinfo, index, device, [](const Bytes& b) { return decode_mld_ifinfo(b); });
      if (!p) return p.error();
      if (*p) snap.protocols.push_back(std::move(**p));
    }
    return snap;
  }

  std::shared_ptr<sysctl::Source> source_;
  ReaderOptions options_;
  std::mutex mu_;
  std::map<std::string, std::optional<std::vector<int>>> resolved_;  // guarded by mu_
  std::mutex notes_mu_;
  std::vector<Error> notes_;  // guarded by notes_mu_
};

}  // namespace

std::unique_ptr<Reader> make_freebsd_reader(std::shared_ptr<sysctl::Source> source, ReaderOptions options) {
  return std::make_unique<FreebsdReader>(std::move(source), std::move(options));
}

}  // namespace ifmib::platform::freebsd
