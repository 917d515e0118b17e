#include "cmd/flags.h"

#include <charconv>
#include <functional>
#include <sstream>

#include "collector/collector.h"

namespace ifmib::cmd {

namespace {

enum class Kind { boolean, value };

struct Flag {
  std::string name;  // without the leading "--"
  Kind kind;
  std::string help;
  std::string default_text;
  std::function<bool(Options&, const std::string& value, bool on, std::string& error)> apply;
};

std::vector<Flag> all_flags() {
  std::vector<Flag> flags = {
      {"web.listen-address", Kind::value,
       "Address to listen on for HTTP requests; repeat the flag for several addresses.", kDefaultListenAddress,
       [](Options& o, const std::string& v, bool, std::string&) {
         o.listen_addresses.push_back(v);
         return true;
       }},
      {"web.telemetry-path", Kind::value, "Path under which to expose metrics.", "/metrics",
       [](Options& o, const std::string& v, bool, std::string& error) {
         if (v.empty() || v[0] != '/') {
           error = "--web.telemetry-path must start with '/': " + v;
           return false;
         }
         o.telemetry_path = v;
         return true;
       }},
      {"web.max-requests", Kind::value,
       "Maximum number of parallel scrape requests; beyond it the exporter answers 503. 0 disables the limit.", "40",
       [](Options& o, const std::string& v, bool, std::string& error) {
         int n = 0;
         const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 10000) {
           error = "--web.max-requests wants a whole number from 0 to 10000: " + v;
           return false;
         }
         o.max_requests = n;
         return true;
       }},
      {"web.config.file", Kind::value,
       "Path to a configuration file that can enable TLS or authentication (exporter-toolkit format); "
       "re-read on SIGHUP.", "",
       [](Options& o, const std::string& v, bool, std::string&) {
         o.web_config_file = v;
         return true;
       }},
      {"web.disable-exporter-metrics", Kind::boolean,
       "Exclude the exporter's own process_* and HTTP request metrics.", "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.disable_exporter_metrics = on;
         return true;
       }},
      {"collector.disable-defaults", Kind::boolean,
       "Disable every collector not explicitly enabled with --collector.<name>.", "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.disable_defaults = on;
         return true;
       }},
      {"collector.device-include", Kind::value,
       "Regular expression of interfaces to include (all collectors); unanchored.", "",
       [](Options& o, const std::string& v, bool, std::string&) {
         o.device_include = v;
         return true;
       }},
      {"collector.device-exclude", Kind::value,
       "Regular expression of interfaces to exclude (all collectors); unanchored.", "",
       [](Options& o, const std::string& v, bool, std::string&) {
         o.device_exclude = v;
         return true;
       }},
      {"collector.send_queue.per-queue", Kind::boolean,
       "Export each transmit queue of a multiqueue interface (Linux mq/mqprio children, FreeBSD iflib and cxgbe txqs).",
       "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.send_queue_per_queue = on;
         return true;
       }},
      {"collector.multicast.groups", Kind::boolean,
       "Export per-group detail: sources, filter mode, users, IGMP/MLD timers (like ifmcstat -v).", "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.multicast_groups = on;
         return true;
       }},
      {"collector.multicast.families", Kind::value,
       "Comma-separated address families of the multicast collector: inet, inet6, link (like ifmcstat -f).",
       "inet,inet6,link",
       [](Options& o, const std::string& v, bool, std::string& error) {
         std::stringstream in(v);
         std::string item;
         bool any = false;
         while (std::getline(in, item, ',')) {
           if (item != "inet" && item != "inet6" && item != "link") {
             error = "--collector.multicast.families: unknown family '" + item + "' (want inet, inet6, link)";
             return false;
           }
           any = true;
         }
         if (!any) {
           error = "--collector.multicast.families needs at least one of inet, inet6, link";
           return false;
         }
         o.multicast_families = v;
         return true;
       }},
      {"collector.netns", Kind::boolean,
       "Read every network namespace (named under /run/netns and unnamed ones held by processes) and label "
       "each series netns=\"<name>\"; needs CAP_SYS_ADMIN and CAP_SYS_PTRACE (or root).",
       "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.netns = on;
         return true;
       }},
      {"collector.netns.include", Kind::value,
       "Regular expression of network namespace names to read (unnamed ones are named inode:<n>); unanchored.", "",
       [](Options& o, const std::string& v, bool, std::string&) {
         o.netns_include = v;
         return true;
       }},
      {"collector.netns.exclude", Kind::value, "Regular expression of network namespace names not to read.", "",
       [](Options& o, const std::string& v, bool, std::string&) {
         o.netns_exclude = v;
         return true;
       }},
      {"collector.netns.max", Kind::value,
       "Most network namespaces read per scrape, the exporter's own included; the rest are counted in "
       "ifmib_netns_skipped.",
       "256",
       [](Options& o, const std::string& v, bool, std::string& error) {
         int n = 0;
         const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > 100000) {
           error = "--collector.netns.max wants a whole number from 1 to 100000: " + v;
           return false;
         }
         o.netns_max = n;
         return true;
       }},
      {"collector.netns.timeout", Kind::value,
       "Per-scrape deadline of the namespace reads (e.g. 10s, 500ms); namespaces not started by then are skipped.",
       "10s",
       [](Options& o, const std::string& v, bool, std::string& error) {
         const bool ms = v.size() > 2 && v.compare(v.size() - 2, 2, "ms") == 0;
         const bool s = !ms && v.size() > 1 && v.back() == 's';
         const std::string digits = v.substr(0, v.size() - (ms ? 2 : s ? 1 : 0));
         int n = 0;
         const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
         if (!(ms || s) || ec != std::errc() || end != digits.data() + digits.size() || n < 1 ||
             n > (ms ? 3600000 : 3600)) {
           error = "--collector.netns.timeout wants a duration such as 10s or 500ms (at most 1h): " + v;
           return false;
         }
         o.netns_timeout_ms = ms ? n : n * 1000;
         return true;
       }},
      {"log.level", Kind::value, "Only log messages with this severity or above: debug, info, warn, error.", "info",
       [](Options& o, const std::string& v, bool, std::string& error) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           error = "--log.level must be debug, info, warn or error: " + v;
           return false;
         }
         o.log_level = v;
         return true;
       }},
      {"log.format", Kind::value, "Output format of log messages: logfmt or json.", "logfmt",
       [](Options& o, const std::string& v, bool, std::string& error) {
         if (v != "logfmt" && v != "json") {
           error = "--log.format must be logfmt or json: " + v;
           return false;
         }
         o.log_format = v;
         return true;
       }},
      {"once", Kind::boolean, "Print one scrape's exposition text to stdout and exit.", "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.once = on;
         return true;
       }},
      {"dump", Kind::boolean, "Print the platform snapshot (interfaces, send queues, multicast) as JSON and exit.",
       "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.dump = on;
         return true;
       }},
      {"version", Kind::boolean, "Print version information and exit.", "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.version = on;
         return true;
       }},
      {"help", Kind::boolean, "Show this help and exit.", "false",
       [](Options& o, const std::string&, bool on, std::string&) {
         o.help = on;
         return true;
       }},
  };
  for (const auto& info : collector::all_collectors()) {
    const std::string name(info.name);
    flags.push_back({"collector." + name, Kind::boolean,
                     std::string(info.help) + " (default: " + (info.default_enabled ? "enabled" : "disabled") + ")",
                     info.default_enabled ? "true" : "false",
                     [name](Options& o, const std::string&, bool on, std::string&) {
                       o.collector_set[name] = on;
                       return true;
                     }});
  }
  return flags;
}

bool parse_bool_text(const std::string& v, bool& out) {
  if (v == "true" || v == "1") out = true;
  else if (v == "false" || v == "0") out = false;
  else return false;
  return true;
}

}  // namespace

std::vector<std::string> Options::enabled_collectors() const {
  std::vector<std::string> out;
  for (const auto& info : collector::all_collectors()) {
    const std::string name(info.name);
    bool on = info.default_enabled && !disable_defaults;
    if (const auto it = collector_set.find(name); it != collector_set.end()) on = it->second;
    if (on) out.push_back(name);
  }
  return out;
}

std::optional<Options> parse_flags(const std::vector<std::string>& args, std::string& error) {
  const std::vector<Flag> flags = all_flags();
  const auto find = [&](const std::string& name) -> const Flag* {
    for (const auto& f : flags) {
      if (f.name == name) return &f;
    }
    return nullptr;
  };

  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h") {
      options.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      error = "unexpected argument '" + arg + "' (flags start with --; see --help)";
      return std::nullopt;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    bool negated = false;
    const Flag* flag = find(name);
    if (!flag && name.rfind("no-", 0) == 0) {
      flag = find(name.substr(3));
      negated = flag != nullptr;
      if (flag && flag->kind != Kind::boolean) flag = nullptr;
    }
    if (!flag) {
      error = "unknown flag --" + name + " (see --help)";
      return std::nullopt;
    }
    bool on = !negated;
    if (flag->kind == Kind::boolean) {
      if (value) {
        if (negated || !parse_bool_text(*value, on)) {
          error = "flag --" + name + " takes no value or true/false, got '" + *value + "'";
          return std::nullopt;
        }
      }
    } else if (!value) {
      if (i + 1 >= args.size()) {
        error = "flag --" + name + " needs a value";
        return std::nullopt;
      }
      value = args[++i];
    }
    if (!flag->apply(options, value.value_or(""), on, error)) return std::nullopt;
  }
  if (options.listen_addresses.empty()) options.listen_addresses.push_back(kDefaultListenAddress);
  if (options.once && options.dump) {
    error = "--once and --dump cannot be used together";
    return std::nullopt;
  }
  return options;
}

std::string usage_text() {
  std::ostringstream out;
  out << "usage: ifmib_exporter [<flags>]\n\n"
         "Prometheus exporter for the interface MIB, send queues and multicast memberships\n"
         "(what ifmib(4), netstat -i and ifmcstat(8) show).\n\nFlags:\n";
  for (const auto& f : all_flags()) {
    out << "  --";
    if (f.kind == Kind::boolean && f.name.rfind("collector.", 0) == 0 && f.name != "collector.disable-defaults") {
      out << "[no-]";
    }
    out << f.name << (f.kind == Kind::value ? "=VALUE" : "") << "\n      " << f.help;
    if (f.kind == Kind::value && !f.default_text.empty()) out << " (default: " << f.default_text << ")";
    out << "\n";
  }
  return out.str();
}

}  // namespace ifmib::cmd
