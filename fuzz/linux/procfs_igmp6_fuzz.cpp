// /proc/net/igmp6 text -> parse_igmp6(), then the snapshot step.
#include "fuzz/fuzz_input.h"
#include "platform/linux/procfs_mcast_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace procfs = ifmib::platform::procfs;
  auto groups = procfs::parse_igmp6(ifmib::fuzz::text(data, size));
  if (groups) {
    procfs::ProcfsMulticastRows rows;
    rows.igmp6 = *groups;
    (void)procfs::to_multicast_snapshot(rows, ifmib::platform::MulticastQuery{true, true, true, true});
  }
  return 0;
}
