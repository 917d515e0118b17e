// RTM_NEWQDISC dump bytes -> parse_qdisc_dump(), then send_queues_from() with link rows made
// from the decoded ifindexes (every other one missing, as when an interface vanishes mid-scrape).
#include "fuzz/fuzz_input.h"
#include "platform/linux/qdisc_dump_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace nl = ifmib::platform::netlink;
  const auto bytes = ifmib::fuzz::copy(data, size);
  auto rows = nl::parse_qdisc_dump(bytes);
  if (rows) {
    std::vector<nl::LinkRow> links;
    for (std::size_t i = 0; i < rows->size(); i += 2) {
      nl::LinkRow link;
      link.interface.index = (*rows)[i].ifindex;
      link.interface.name = "if" + std::to_string((*rows)[i].ifindex);
      link.interface.tx_queue_length = (*rows)[i].handle;
      links.push_back(link);
    }
    (void)nl::send_queues_from(*rows, links, ifmib::platform::SendQueueQuery{true});
  }
  return 0;
}
