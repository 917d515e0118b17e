#include "platform/freebsd/txq_decode.h"

#include <array>
#include <cstring>

namespace ifmib::platform::freebsd {

const char* to_string(TransmitPath path) {
  switch (path) {
    case TransmitPath::if_snd: return "if_snd";
    case TransmitPath::iflib: return "iflib";
    case TransmitPath::cxgbe: return "cxgbe";
    case TransmitPath::drbr: return "drbr";
    case TransmitPath::direct: return "direct";
  }
  return "?";
}

std::optional<DriverUnit> split_driver_unit(std::string_view nameunit) {
  std::size_t digits = nameunit.size();
  while (digits > 0 && nameunit[digits - 1] >= '0' && nameunit[digits - 1] <= '9') --digits;
  const std::size_t unit_len = nameunit.size() - digits;
  // A unit is an int (if_dunit); more than 9 digits cannot be one. "em01" is not printed by %d.
  if (digits == 0 || unit_len == 0 || unit_len > 9) return std::nullopt;
  if (unit_len > 1 && nameunit[digits] == '0') return std::nullopt;
  int unit = 0;
  for (std::size_t i = digits; i < nameunit.size(); ++i) unit = unit * 10 + (nameunit[i] - '0');
  return DriverUnit{std::string(nameunit.substr(0, digits)), unit};
}

TransmitPath transmit_path_without_iflib(std::string_view driver) {
  // cxgbe's ifnet names per chip (sys/dev/cxgbe/t4_main.c, struct devnames): ports, extra
  // virtual interfaces and SR-IOV VFs all set up their txqs in t4_setup_vi_queues().
  static constexpr std::array<std::string_view, 9> kCxgbe{"cxgbe", "vcxgbe", "cxgbev", "cxl", "vcxl",
                                                          "cxlv", "cc", "vcc", "ccv"};
  // if_transmit drivers that hand the packet on at once (if_loop.c looutput, if_vlan.c
  // vlan_transmit, if_lagg.c lagg_transmit, if_bridge.c bridge_transmit, if_gif.c gif_transmit).
  static constexpr std::array<std::string_view, 5> kDirect{"lo", "vlan", "lagg", "bridge", "gif"};
  for (const auto d : kCxgbe) {
    if (driver == d) return TransmitPath::cxgbe;
  }
  for (const auto d : kDirect) {
    if (driver == d) return TransmitPath::direct;
  }
  // if_vtnet.c without VTNET_LEGACY_TX (the default): vtnet_txq_mq_start -> drbr_enqueue.
  if (driver == "vtnet") return TransmitPath::drbr;
  return TransmitPath::if_snd;
}

std::string iflib_txq_name(int index, int width) {
  std::string digits = std::to_string(index);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  return "txq" + digits;
}

Result<std::uint64_t> decode_sysctl_u64(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != sizeof(std::uint64_t)) {
    return Error::invalid("64-bit counter", "length " + std::to_string(bytes.size()) + ", expected 8");
  }
  std::uint64_t v = 0;
  std::memcpy(&v, bytes.data(), sizeof v);  // host order, as the kernel copied it out
  return v;
}

SendQueue send_queue_for(const IfmibRow& row, std::uint32_t index, TransmitPath path,
                         std::vector<TransmitQueue> txqs) {
  SendQueue q = to_send_queue(row, index);
  if (path == TransmitPath::if_snd) return q;
  // if_snd holds packets only on the legacy path (and under ALTQ, whose queue limits are per
  // class, not ifq_maxlen); elsewhere ifmd_snd_maxlen is ifq_init()'s unused default.
  q.length.reset();
  q.max_length.reset();
  if (path == TransmitPath::iflib) {
    // iflib_if_transmit() frees a packet that ifmp_ring_enqueue() refuses: the ring counts it in
    // r->drops (sys/net/mp_ring.c) and nothing increments IFCOUNTER_OQDROPS there. ifi_oqdrops
    // comes from iflib_if_get_counter() -> the driver's ifdi_get_counter, which cannot see the
    // ring (struct iflib_txq is private to iflib.c). So the two sets are disjoint and the sum
    // counts each drop once.
    for (const auto& t : txqs) q.drops += t.drops;
  }
  // cxgbe: ifi_oqdrops already includes every txq's r_drops; adding them would count twice.
  q.queues = std::move(txqs);
  return q;
}

}  // namespace ifmib::platform::freebsd
