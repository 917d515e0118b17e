#include "platform/snapshot_json.h"

namespace ifmib::platform {

namespace {

template <class T>
void put(nlohmann::ordered_json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

nlohmann::ordered_json to_json(const EtherStats& e) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  put(j, "alignment_errors", e.alignment_errors);
  put(j, "fcs_errors", e.fcs_errors);
  put(j, "single_collision_frames", e.single_collision_frames);
  put(j, "multiple_collision_frames", e.multiple_collision_frames);
  put(j, "sqe_test_errors", e.sqe_test_errors);
  put(j, "deferred_transmissions", e.deferred_transmissions);
  put(j, "late_collisions", e.late_collisions);
  put(j, "excessive_collisions", e.excessive_collisions);
  put(j, "internal_mac_transmit_errors", e.internal_mac_transmit_errors);
  put(j, "carrier_sense_errors", e.carrier_sense_errors);
  put(j, "frame_too_longs", e.frame_too_longs);
  put(j, "internal_mac_receive_errors", e.internal_mac_receive_errors);
  put(j, "missed_frames", e.missed_frames);
  if (!e.collision_frequencies.empty()) j["collision_frequencies"] = e.collision_frequencies;
  put(j, "chipset", e.chipset);
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const Interface& i) {
  nlohmann::ordered_json j;
  j["name"] = i.name;
  j["index"] = i.index;
  j["type"] = i.type;
  j["driver"] = i.driver;
  j["alias"] = i.alias;
  j["admin_up"] = i.admin_up;
  j["oper_status"] = to_string(i.oper_status);
  j["flags"] = set_flag_names(i);
  put(j, "promiscuous_listeners", i.promiscuous_listeners);
  put(j, "mtu", i.mtu);
  put(j, "baudrate_bits_per_second", i.baudrate_bits_per_second);
  put(j, "full_duplex", i.full_duplex);
  put(j, "autonegotiation", i.autonegotiation);
  put(j, "master_index", i.master_index);
  put(j, "lower_index", i.lower_index);
  put(j, "lower_netnsid", i.lower_netnsid);
  put(j, "stacking_read", i.stacking_read);
  if (!i.stacking_error.empty()) j["stacking_error"] = i.stacking_error;
  put(j, "link_changes", i.link_changes);
  put(j, "last_change_timestamp_seconds", i.last_change_timestamp_seconds);
  const auto& c = i.counters;
  nlohmann::ordered_json counters = {
      {"rx_bytes", c.rx_bytes},     {"tx_bytes", c.tx_bytes},     {"rx_packets", c.rx_packets},
      {"tx_packets", c.tx_packets}, {"rx_errors", c.rx_errors},   {"tx_errors", c.tx_errors},
      {"rx_dropped", c.rx_dropped}, {"tx_dropped", c.tx_dropped}, {"collisions", c.collisions}};
  put(counters, "rx_multicast", c.rx_multicast);
  put(counters, "tx_multicast", c.tx_multicast);
  put(counters, "rx_unknown_protocol", c.rx_unknown_protocol);
  j["counters"] = std::move(counters);
  if (i.ether) j["ether"] = to_json(*i.ether);
  return j;
}

nlohmann::ordered_json to_json(const SendQueue& q) {
  nlohmann::ordered_json j;
  j["device"] = q.device;
  j["index"] = q.index;
  j["discipline"] = q.discipline;
  put(j, "length", q.length);
  put(j, "max_length", q.max_length);
  j["drops"] = q.drops;
  put(j, "backlog_bytes", q.backlog_bytes);
  put(j, "requeues", q.requeues);
  put(j, "overlimits", q.overlimits);
  if (!q.queues.empty()) {
    nlohmann::ordered_json queues = nlohmann::ordered_json::array();
    for (const auto& t : q.queues) {
      nlohmann::ordered_json tj;
      tj["queue"] = t.queue;
      if (!t.discipline.empty()) tj["discipline"] = t.discipline;
      tj["drops"] = t.drops;
      put(tj, "length", t.length);
      put(tj, "backlog_bytes", t.backlog_bytes);
      put(tj, "requeues", t.requeues);
      put(tj, "enqueues", t.enqueues);
      put(tj, "stalls", t.stalls);
      queues.push_back(std::move(tj));
    }
    j["queues"] = std::move(queues);
  }
  return j;
}

nlohmann::ordered_json to_json(const MulticastSnapshot& m) {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : m.groups) {
    nlohmann::ordered_json j;
    j["device"] = g.device;
    j["index"] = g.index;
    j["family"] = to_string(g.family);
    j["group"] = address_text(g.family, g.group);
    if (g.mode) j["mode"] = to_string(*g.mode);
    nlohmann::ordered_json sources = nlohmann::ordered_json::array();
    for (const auto& source : g.sources) sources.push_back(address_text(g.family, source));
    j["sources"] = std::move(sources);
    put(j, "users", g.users);
    groups.push_back(std::move(j));
  }
  nlohmann::ordered_json protocols = nlohmann::ordered_json::array();
  for (const auto& p : m.protocols) {
    nlohmann::ordered_json j;
    j["device"] = p.device;
    j["index"] = p.index;
    j["protocol"] = p.family == AddressFamily::inet ? "igmp" : "mld";
    j["version"] = p.version;
    put(j, "robustness", p.robustness);
    put(j, "query_interval_seconds", p.query_interval_seconds);
    put(j, "query_response_interval_seconds", p.query_response_interval_seconds);
    put(j, "unsolicited_report_interval_seconds", p.unsolicited_report_interval_seconds);
    protocols.push_back(std::move(j));
  }
  return {{"groups", std::move(groups)}, {"protocols", std::move(protocols)}};
}

nlohmann::ordered_json to_json(const ProcessStats& p) {
  nlohmann::ordered_json j;
  j["cpu_seconds"] = p.cpu_seconds;
  j["resident_memory_bytes"] = p.resident_memory_bytes;
  j["virtual_memory_bytes"] = p.virtual_memory_bytes;
  j["open_fds"] = p.open_fds;
  put(j, "max_fds", p.max_fds);
  j["start_time_seconds"] = p.start_time_seconds;
  return j;
}

}  // namespace ifmib::platform
