#pragma once
// Command-line flags in node_exporter's style: --flag=value or --flag value, --flag / --no-flag /
// --flag=true|false for booleans. Each flag is declared once (flags.cpp) and parsed once into the
// typed Options below. The --collector.<name> / --no-collector.<name> pairs are generated from the
// collector registry, so a new collector gets its flags for free.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::cmd {

inline constexpr const char* kDefaultListenAddress = ":10027";

/// What the command line asked for. The initial values are the flags' defaults (--help shows them).
struct Options {
  std::vector<std::string> listen_addresses;  // --web.listen-address (repeatable); kDefaultListenAddress if none
  std::string telemetry_path = "/metrics";
  int max_requests = 40;                      // 0 = no limit
  std::string web_config_file;                // --web.config.file; empty = plain HTTP, no auth
  bool disable_exporter_metrics = false;
  std::map<std::string, bool> collector_set;  // collectors the user named explicitly
  bool disable_defaults = false;
  std::string device_include, device_exclude;
  bool multicast_groups = false;
  bool send_queue_per_queue = false;
  platform::MulticastQuery multicast_families;  // --collector.multicast.families: inet, inet6, link
  bool netns = false;                         // --collector.netns: every network namespace
  std::string netns_include, netns_exclude;   // regular expressions on namespace names
  int netns_max = 256;                        // namespaces per scrape, the own one included
  std::chrono::milliseconds netns_timeout{10000};  // no namespace is started later in a scrape
  log::Level log_level = log::Level::info;
  log::Format log_format = log::Format::logfmt;
  bool once = false, dump = false, version = false, help = false;

  /// The collectors this run enables, in registry order: defaults unless --collector.disable-defaults,
  /// then every explicit --collector.X / --no-collector.X applied on top.
  std::vector<std::string> enabled_collectors() const;
};

/// Parses argv[1..]. The Error's text is one line naming the problem, for stderr.
Result<Options> parse_flags(const std::vector<std::string>& args);

/// The --help text; lists every flag with its default.
std::string usage_text();

}  // namespace ifmib::cmd
