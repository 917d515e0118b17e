// /proc/net/mcfilter text -> parse_mcfilter(); the rows then meet groups of the same index and
// address in the snapshot step, which derives filter modes from them.
#include "fuzz/fuzz_input.h"
#include "platform/linux/procfs_mcast_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace procfs = ifmib::platform::procfs;
  auto filters = procfs::parse_mcfilter(ifmib::fuzz::text(data, size));
  if (filters) {
    procfs::ProcfsMulticastRows rows;
    for (const auto& f : *filters) rows.igmp.groups.push_back({f.index, f.device, f.group, 1});
    rows.mcfilter = *filters;
    (void)procfs::to_multicast_snapshot(rows, ifmib::platform::MulticastQuery{true, true, true, true});
  }
  return 0;
}
