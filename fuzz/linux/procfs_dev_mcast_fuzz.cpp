// /proc/net/dev_mcast text -> parse_dev_mcast(), then the snapshot step.
#include "fuzz/fuzz_input.h"
#include "platform/linux/procfs_mcast_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace procfs = ifmib::platform::procfs;
  auto links = procfs::parse_dev_mcast(ifmib::fuzz::text(data, size));
  if (links) {
    procfs::ProcfsMulticastRows rows;
    rows.dev_mcast = *links;
    (void)procfs::to_multicast_snapshot(rows, ifmib::platform::MulticastQuery{true, true, true, true});
  }
  return 0;
}
