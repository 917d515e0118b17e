// /proc/net/igmp text -> parse_igmp() for both byte orders, then the snapshot step.
#include "fuzz/fuzz_input.h"
#include "platform/linux/procfs_mcast_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace procfs = ifmib::platform::procfs;
  const auto text = ifmib::fuzz::text(data, size);
  (void)procfs::parse_igmp(text, std::endian::big);
  auto table = procfs::parse_igmp(text, std::endian::little);
  if (table) {
    procfs::ProcfsMulticastRows rows;
    rows.igmp = *table;
    (void)procfs::to_multicast_snapshot(rows, ifmib::platform::MulticastQuery{true, true, true, true});
  }
  return 0;
}
