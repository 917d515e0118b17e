// RTM_NEWLINK dump bytes -> parse_link_dump(), then the name helpers on what it decoded.
#include "fuzz/fuzz_input.h"
#include "platform/linux/link_dump_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace nl = ifmib::platform::netlink;
  const auto bytes = ifmib::fuzz::copy(data, size);
  auto rows = nl::parse_link_dump(bytes);
  if (rows) {
    for (const auto& row : *rows) {
      (void)nl::link_type_name(row.arphrd);
      (void)nl::link_flag_names(row.interface.index);
    }
  }
  return 0;
}
