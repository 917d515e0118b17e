#pragma once
// The platform snapshot as JSON (ifmib_exporter --dump): the machine-readable counterpart of
// `netstat -i` + `ifmcstat -v`. Absent optional fields are omitted, as in the metrics.

#include <nlohmann/json.hpp>

#include "platform/snapshot.h"

namespace ifmib::platform {

nlohmann::ordered_json to_json(const Interface& i);
nlohmann::ordered_json to_json(const SendQueue& q);
nlohmann::ordered_json to_json(const MulticastSnapshot& m);
nlohmann::ordered_json to_json(const ProcessStats& p);

}  // namespace ifmib::platform
