// The one explicit table of collectors. A table, not self-registering statics: the linker drops
// unreferenced object files of a static library, and with them any registration they held.

#include "collector/collector.h"
#include "collector/ether_collector.h"
#include "collector/ifmib_collector.h"
#include "collector/multicast_collector.h"
#include "collector/send_queue_collector.h"

namespace ifmib::collector {

namespace {

template <class C>
std::unique_ptr<Collector> make(const Options& options) {
  return std::make_unique<C>(options);
}

// `reads`: the Reader methods each collector calls. A scrape makes only the reads its selected
// collectors declare, each once; a call to an undeclared one fails that collector.
const CollectorInfo kCollectors[] = {
    {"ifmib", true, "Interface MIB: generic counters and state per interface (ifmib(4), netstat -i).",
     {platform::Read::interfaces}, &IfmibCollector::metrics, &make<IfmibCollector>},
    {"ether", true, "Ethernet (RFC 1650) error counters per interface, where the OS reports them.",
     {platform::Read::interfaces}, &EtherCollector::metrics, &make<EtherCollector>},
    {"send_queue", true, "Send queue length, maximum and drops per interface.", {platform::Read::send_queues},
     &SendQueueCollector::metrics, &make<SendQueueCollector>},
    {"multicast", true, "Multicast group memberships and source filters per interface and family (ifmcstat(8)).",
     {platform::Read::multicast}, &MulticastCollector::metrics, &make<MulticastCollector>},
};

}  // namespace

std::span<const CollectorInfo> all_collectors() { return kCollectors; }

const CollectorInfo* find_collector(std::string_view name) {
  for (const auto& info : kCollectors) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace ifmib::collector
