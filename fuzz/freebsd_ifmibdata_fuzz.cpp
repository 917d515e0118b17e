// IFDATA_GENERAL bytes -> decode_ifmibdata(), then the snapshot mapping; the same bytes also
// serve as IFDATA_DRIVERNAME.
#include "fuzz/fuzz_input.h"
#include "platform/freebsd/ifmib_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fb = ifmib::platform::freebsd;
  const auto bytes = ifmib::fuzz::copy(data, size);
  auto driver = fb::decode_driver_name(bytes);
  auto row = fb::decode_ifmibdata(bytes);
  if (row) {
    (void)fb::to_interface(*row, 1, driver, std::nullopt);
    (void)fb::to_send_queue(*row, 1);
  }
  return 0;
}
