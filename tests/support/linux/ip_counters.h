#pragma once
// The interface counters the exporter serves, checked against the stats64 object that
// `ip -j -s link` prints for the same interface (an independent reading of the same kernel).

#include <nlohmann/json.hpp>

#include "tests/support/exposition.h"

namespace ifmib::test {

/// CHECKs every ifmib_*_total counter that `ip -s link` also shows, for the series whose labels
/// include `labels`, against `stats64` (`ip -j -s link show` -> [i]["stats64"]).
void check_counters_equal_ip(const Exposition& out, const LabelSet& labels, const nlohmann::json& stats64);

}  // namespace ifmib::test
