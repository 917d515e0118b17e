#pragma once
// Snapshots shared by the collector tests.

#include "platform/snapshot.h"

namespace ifmib::test {

// Interface::known_flags views a static table, as the decoders' do.
inline constexpr std::string_view kKnownFlags[] = {"up", "broadcast", "loopback", "running", "promisc", "multicast"};

// Sets the flags named in `names` on `i` as a decoder does: a name of i.known_flags (set those
// first) as its bit of known_flags_set, any other name in unknown_flags.
inline void set_flags(platform::Interface& i, std::initializer_list<std::string_view> names) {
  i.known_flags_set = 0;
  i.unknown_flags.clear();
  for (const std::string_view name : names) {
    std::size_t k = 0;
    while (k < i.known_flags.size() && i.known_flags[k] != name) ++k;
    if (k < i.known_flags.size() && k < 64) i.known_flags_set |= std::uint64_t{1} << k;
    else i.unknown_flags.emplace_back(name);
  }
}

inline platform::Interface ethernet_interface() {
  platform::Interface i;
  i.name = "eth0";
  i.index = 2;
  i.type = "ether";
  i.driver = "virtio_net";
  i.alias = "uplink";
  i.admin_up = true;
  i.oper_status = platform::OperStatus::up;
  i.known_flags = kKnownFlags;
  set_flags(i, {"up", "broadcast", "running", "multicast"});
  i.promiscuous_listeners = 1;
  i.mtu = 1500;
  i.baudrate_bits_per_second = 10'000'000'000ULL;
  i.link_changes = 3;
  i.counters = {1000, 2000, 10, 20, 1, 2, 3, 4, 5, 6, std::nullopt, 7};
  platform::EtherStats e;
  e.alignment_errors = 11;
  e.fcs_errors = 12;
  e.sqe_test_errors = 13;
  e.late_collisions = 14;
  e.excessive_collisions = 15;
  e.carrier_sense_errors = 16;
  e.internal_mac_transmit_errors = 17;
  e.internal_mac_receive_errors = 18;
  e.missed_frames = 19;
  i.ether = e;
  return i;
}

inline platform::Interface loopback_interface() {
  platform::Interface i;
  i.name = "lo";
  i.index = 1;
  i.type = "loopback";
  i.admin_up = true;
  i.known_flags = kKnownFlags;
  set_flags(i, {"up", "loopback", "running"});
  i.mtu = 65536;
  i.counters.rx_bytes = 42;
  return i;
}

}  // namespace ifmib::test
