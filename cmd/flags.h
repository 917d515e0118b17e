#pragma once
// Command-line flags in node_exporter's style. The --collector.<name> / --no-collector.<name>
// pairs are generated from the collector registry, so a new collector gets its flags for free.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ifmib::cmd {

struct Options {
  std::vector<std::string> listen_addresses;  // --web.listen-address (repeatable)
  std::string telemetry_path = "/metrics";
  int max_requests = 40;                      // 0 = no limit
  std::string web_config_file;                // --web.config.file; empty = plain HTTP, no auth
  bool disable_exporter_metrics = false;
  std::map<std::string, bool> collector_set;  // collectors the user named explicitly
  bool disable_defaults = false;
  std::string device_include, device_exclude;
  bool multicast_groups = false;
  bool send_queue_per_queue = false;
  std::string multicast_families = "inet,inet6,link";
  bool netns = false;                         // --collector.netns: every network namespace
  std::string netns_include, netns_exclude;   // regular expressions on namespace names
  int netns_max = 256;                        // namespaces per scrape, the own one included
  int netns_timeout_ms = 10000;               // no namespace is started later in a scrape
  std::string log_level = "info";
  std::string log_format = "logfmt";
  bool once = false, dump = false, version = false, help = false;

  /// The collectors this run enables, in registry order: defaults unless --collector.disable-defaults,
  /// then every explicit --collector.X / --no-collector.X applied on top.
  std::vector<std::string> enabled_collectors() const;
};

/// Parses argv[1..]. On error returns nullopt and sets `error` to one line naming the problem.
std::optional<Options> parse_flags(const std::vector<std::string>& args, std::string& error);

/// The --help text; lists every flag with its default.
std::string usage_text();

inline constexpr const char* kDefaultListenAddress = ":10027";

}  // namespace ifmib::cmd
