// IFDATA_GENERAL bytes -> decode_ifmibdata(), then the snapshot mapping; the same bytes also
// serve as IFDATA_DRIVERNAME (split into driver and unit, as the send-queue read does) and as a
// txq counter sysctl value.
#include "fuzz/fuzz_input.h"
#include "platform/freebsd/ifmib_decode.h"
#include "platform/freebsd/txq_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fb = ifmib::platform::freebsd;
  const auto bytes = ifmib::fuzz::copy(data, size);
  auto driver = fb::decode_driver_name(bytes);
  const auto unit = fb::split_driver_unit(driver);
  const auto path = unit ? fb::transmit_path_without_iflib(unit->driver) : fb::TransmitPath::if_snd;
  const auto counter = fb::decode_sysctl_u64(bytes);
  auto row = fb::decode_ifmibdata(bytes);
  if (row) {
    (void)fb::to_interface(*row, 1, driver, std::nullopt);
    (void)fb::to_send_queue(*row, 1);
    std::vector<ifmib::platform::TransmitQueue> txqs(2);
    if (counter) txqs[1].drops = *counter;
    (void)fb::send_queue_for(*row, 1, path, txqs);
    (void)fb::send_queue_for(*row, 1, fb::TransmitPath::iflib, std::move(txqs));
  }
  return 0;
}
