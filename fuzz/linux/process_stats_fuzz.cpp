// /proc/self/stat, NUL, /proc/self/limits -> parse_process_stats(); the whole input also goes
// to parse_boot_time() as /proc/stat.
#include "fuzz/fuzz_input.h"
#include "platform/linux/process_stats.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace procfs = ifmib::platform::procfs;
  const auto [stat, limits] = ifmib::fuzz::split_at_nul(data, size);
  (void)procfs::parse_process_stats(stat, limits, 100, 4096, 1.7e9, 12);
  (void)procfs::parse_boot_time(ifmib::fuzz::text(data, size));
  return 0;
}
