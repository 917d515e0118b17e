// /proc/net/mcfilter6 text -> parse_mcfilter6(), then the snapshot step with matching groups.
#include "fuzz/fuzz_input.h"
#include "platform/linux/procfs_mcast_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace procfs = ifmib::platform::procfs;
  auto filters = procfs::parse_mcfilter6(ifmib::fuzz::text(data, size));
  if (filters) {
    procfs::ProcfsMulticastRows rows;
    for (const auto& f : *filters) rows.igmp6.push_back({f.index, f.device, f.group, 1});
    rows.mcfilter6 = *filters;
    (void)procfs::to_multicast_snapshot(rows, ifmib::platform::MulticastQuery{true, true, true, true});
  }
  return 0;
}
