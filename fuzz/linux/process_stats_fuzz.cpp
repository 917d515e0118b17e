// /proc/self/stat -> parse_process_stats(); the same input also goes to parse_boot_time() as
// /proc/stat.
#include "fuzz/fuzz_input.h"
#include "platform/linux/process_stats.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace procfs = ifmib::platform::procfs;
  const auto text = ifmib::fuzz::text(data, size);
  (void)procfs::parse_process_stats(text, 100, 4096, 1.7e9, 12, 1024);
  (void)procfs::parse_boot_time(text);
  return 0;
}
