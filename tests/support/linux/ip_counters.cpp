#include "tests/support/linux/ip_counters.h"

#include <doctest/doctest.h>

namespace ifmib::test {

void check_counters_equal_ip(const Exposition& out, const LabelSet& labels, const nlohmann::json& stats64) {
  const auto& rx = stats64["rx"];
  const auto& tx = stats64["tx"];
  CHECK(out.value("ifmib_transmit_packets_total", labels) == tx["packets"].get<double>());
  CHECK(out.value("ifmib_transmit_bytes_total", labels) == tx["bytes"].get<double>());
  CHECK(out.value("ifmib_receive_packets_total", labels) == rx["packets"].get<double>());
  CHECK(out.value("ifmib_receive_bytes_total", labels) == rx["bytes"].get<double>());
  CHECK(out.value("ifmib_receive_errors_total", labels) == rx["errors"].get<double>());
  CHECK(out.value("ifmib_transmit_errors_total", labels) == tx["errors"].get<double>());
  CHECK(out.value("ifmib_receive_drops_total", labels) == rx["dropped"].get<double>());
  CHECK(out.value("ifmib_transmit_drops_total", labels) == tx["dropped"].get<double>());
  CHECK(out.value("ifmib_receive_multicast_packets_total", labels) == rx["multicast"].get<double>());
  CHECK(out.value("ifmib_collisions_total", labels) == tx["collisions"].get<double>());
}

}  // namespace ifmib::test
