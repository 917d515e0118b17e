#include "cmd/flags.h"

#include <charconv>
#include <functional>
#include <optional>
#include <span>
#include <sstream>
#include <string_view>
#include <utility>

#include "collector/collector.h"

namespace ifmib::cmd {

namespace {

// One flag: how --help shows it and how its text lands in Options.
struct Flag {
  std::string name;          // without the leading "--"
  bool boolean = false;      // no value; also --no-<name> and --<name>=true|false
  std::string help;
  std::string default_text;  // shown by --help for flags that take a value
  // Parses and stores the text after '=' or the next argument ("true"/"false" for a bare boolean).
  std::function<Status(Options&, const std::string& text)> set;
};

Error flag_error(std::string message) { return Error::invalid("", std::move(message)); }

// A flag whose text parses into a T and is stored by `store`. `parse` gets "--<name>" for its
// error messages.
template <class T>
Flag typed_flag(std::string name, bool boolean, std::string help, std::string default_text,
                std::function<Result<T>(const std::string& flag, const std::string& text)> parse,
                std::function<void(Options&, T&&)> store) {
  Flag flag{name, boolean, std::move(help), std::move(default_text), nullptr};
  flag.set = [flag_name = "--" + name, parse = std::move(parse), store = std::move(store)](
                 Options& o, const std::string& text) -> Status {
    auto value = parse(flag_name, text);
    if (!value) return value.error();
    store(o, std::move(*value));
    return ok_status();
  };
  return flag;
}

// Stores into one field of Options.
template <class T>
std::function<void(Options&, T&&)> into(T Options::*field) {
  return [field](Options& o, T&& value) { o.*field = std::move(value); };
}

Result<bool> parse_bool(const std::string& flag, const std::string& text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return flag_error("flag " + flag + " takes no value or true/false, got '" + text + "'");
}

Result<std::string> any_text(const std::string&, const std::string& text) { return text; }

// "1h", "10s" or "500ms": the largest unit that divides the value.
std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 3600000 == 0) return std::to_string(d.count() / 3600000) + "h";
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

std::optional<int> whole_number(std::string_view text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

Flag bool_flag(std::string name, std::string help, bool Options::*field) {
  return typed_flag<bool>(std::move(name), true, std::move(help), "", parse_bool, into(field));
}

Flag string_flag(std::string name, std::string help, std::string Options::*field) {
  return typed_flag<std::string>(std::move(name), false, std::move(help), Options{}.*field, any_text, into(field));
}

// Each occurrence adds one value; `default_text` is what applies when the flag is never given.
Flag repeated_flag(std::string name, std::string help, std::string default_text,
                   std::vector<std::string> Options::*field) {
  return typed_flag<std::string>(std::move(name), false, std::move(help), std::move(default_text), any_text,
                                 [field](Options& o, std::string&& v) { (o.*field).push_back(std::move(v)); });
}

Flag int_flag(std::string name, std::string help, int Options::*field, int min, int max) {
  auto parse = [min, max](const std::string& flag, const std::string& text) -> Result<int> {
    const auto n = whole_number(text);
    if (!n || *n < min || *n > max) {
      return flag_error(flag + " wants a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                        ": " + text);
    }
    return *n;
  };
  return typed_flag<int>(std::move(name), false, std::move(help), std::to_string(Options{}.*field), parse,
                         into(field));
}

// A whole number of seconds ("10s") or milliseconds ("500ms"), at least one unit, at most `max`.
Flag duration_flag(std::string name, std::string help, std::chrono::milliseconds Options::*field,
                   std::chrono::milliseconds max) {
  auto parse = [max](const std::string& flag, const std::string& text) -> Result<std::chrono::milliseconds> {
    const bool ms = text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0;
    const bool s = !ms && text.size() > 1 && text.back() == 's';
    const auto n = whole_number(std::string_view(text).substr(0, text.size() - (ms ? 2 : s ? 1 : 0)));
    const std::chrono::milliseconds unit(ms ? 1 : 1000);
    if (!(ms || s) || !n || *n < 1 || *n > max / unit) {
      return flag_error(flag + " wants a duration such as 10s or 500ms (at most " + duration_text(max) + "): " + text);
    }
    return *n * unit;
  };
  return typed_flag<std::chrono::milliseconds>(std::move(name), false, std::move(help),
                                                duration_text(Options{}.*field), parse, into(field));
}

// One of the names in `names` (log.h's tables), stored as its enum value.
template <class E>
Flag enum_flag(std::string name, std::string help, E Options::*field,
               std::span<const std::pair<std::string_view, E>> names) {
  std::string choices, default_text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    choices += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i].first);
    if (names[i].second == Options{}.*field) default_text = names[i].first;
  }
  auto parse = [names, choices](const std::string& flag, const std::string& text) -> Result<E> {
    for (const auto& [n, value] : names) {
      if (n == text) return value;
    }
    return flag_error(flag + " must be " + choices + ": " + text);
  };
  return typed_flag<E>(std::move(name), false, std::move(help), default_text, parse, into(field));
}

// --collector.multicast.families: a comma-separated subset of inet, inet6, link.
Result<platform::MulticastQuery> parse_families(const std::string& flag, const std::string& text) {
  platform::MulticastQuery q;
  q.inet = q.inet6 = q.link = false;
  std::stringstream in(text);
  bool any = false;
  for (std::string item; std::getline(in, item, ',');) {
    if (item == "inet") q.inet = true;
    else if (item == "inet6") q.inet6 = true;
    else if (item == "link") q.link = true;
    else return flag_error(flag + ": unknown family '" + item + "' (want inet, inet6, link)");
    any = true;
  }
  if (!any) return flag_error(flag + " needs at least one of inet, inet6, link");
  return q;
}

std::string families_text(const platform::MulticastQuery& q) {
  std::string out;
  for (const auto& [on, name] : {std::pair{q.inet, "inet"}, {q.inet6, "inet6"}, {q.link, "link"}}) {
    if (on) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out;
}

Result<std::string> telemetry_path(const std::string& flag, const std::string& text) {
  if (text.empty() || text[0] != '/') return flag_error(flag + " must start with '/': " + text);
  return text;
}

// --collector.<name>: on or off, on top of the registry's default.
Flag collector_flag(const collector::CollectorInfo& info) {
  const std::string name(info.name);
  return typed_flag<bool>("collector." + name, true,
                          std::string(info.help) + " (default: " + (info.default_enabled ? "enabled" : "disabled") + ")",
                          "", parse_bool, [name](Options& o, bool&& on) { o.collector_set[name] = on; });
}

std::vector<Flag> make_flags() {
  std::vector<Flag> flags = {
      repeated_flag("web.listen-address",
                    "Address to listen on for HTTP requests; repeat the flag for several addresses.",
                    kDefaultListenAddress, &Options::listen_addresses),
      typed_flag<std::string>("web.telemetry-path", false, "Path under which to expose metrics.",
                              Options{}.telemetry_path, telemetry_path, into(&Options::telemetry_path)),
      int_flag("web.max-requests",
               "Maximum number of parallel scrape requests; beyond it the exporter answers 503. 0 disables the limit.",
               &Options::max_requests, 0, 10000),
      string_flag("web.config.file",
                  "Path to a configuration file that can enable TLS or authentication (exporter-toolkit format); "
                  "re-read on SIGHUP.",
                  &Options::web_config_file),
      bool_flag("web.disable-exporter-metrics", "Exclude the exporter's own process_* and HTTP request metrics.",
                &Options::disable_exporter_metrics),
      bool_flag("collector.disable-defaults", "Disable every collector not explicitly enabled with --collector.<name>.",
                &Options::disable_defaults),
      string_flag("collector.device-include",
                  "Regular expression of interfaces to include (all collectors); unanchored.", &Options::device_include),
      string_flag("collector.device-exclude",
                  "Regular expression of interfaces to exclude (all collectors); unanchored.", &Options::device_exclude),
      bool_flag("collector.send_queue.per-queue",
                "Export each transmit queue of a multiqueue interface (Linux mq/mqprio children, FreeBSD iflib and "
                "cxgbe txqs).",
                &Options::send_queue_per_queue),
      bool_flag("collector.multicast.groups",
                "Export per-group detail: sources, filter mode, users, IGMP/MLD timers (like ifmcstat -v).",
                &Options::multicast_groups),
      typed_flag<platform::MulticastQuery>(
          "collector.multicast.families", false,
          "Comma-separated address families of the multicast collector: inet, inet6, link (like ifmcstat -f).",
          families_text(Options{}.multicast_families), parse_families, into(&Options::multicast_families)),
      bool_flag("collector.netns",
                "Read every network namespace (named under /run/netns and unnamed ones held by processes) and label "
                "each series netns=\"<name>\"; needs CAP_SYS_ADMIN and CAP_SYS_PTRACE (or root).",
                &Options::netns),
      string_flag("collector.netns.include",
                  "Regular expression of network namespace names to read (unnamed ones are named inode:<n>); "
                  "unanchored.",
                  &Options::netns_include),
      string_flag("collector.netns.exclude", "Regular expression of network namespace names not to read.",
                  &Options::netns_exclude),
      int_flag("collector.netns.max",
               "Most network namespaces read per scrape, the exporter's own included; the rest are counted in "
               "ifmib_netns_skipped.",
               &Options::netns_max, 1, 100000),
      duration_flag("collector.netns.timeout",
                    "Per-scrape deadline of the namespace reads (e.g. 10s, 500ms); namespaces not started by then "
                    "are skipped.",
                    &Options::netns_timeout, std::chrono::hours(1)),
      enum_flag<log::Level>("log.level", "Only log messages with this severity or above: debug, info, warn, error.",
                            &Options::log_level, log::kLevelNames),
      enum_flag<log::Format>("log.format", "Output format of log messages: logfmt or json.", &Options::log_format,
                             log::kFormatNames),
      bool_flag("once", "Print one scrape's exposition text to stdout and exit.", &Options::once),
      bool_flag("dump", "Print the platform snapshot (interfaces, send queues, multicast) as JSON and exit.",
                &Options::dump),
      bool_flag("version", "Print version information and exit.", &Options::version),
      bool_flag("help", "Show this help and exit.", &Options::help),
  };
  for (const auto& info : collector::all_collectors()) flags.push_back(collector_flag(info));
  return flags;
}

const std::vector<Flag>& all_flags() {
  static const std::vector<Flag> flags = make_flags();
  return flags;
}

const Flag* find_flag(const std::string& name) {
  for (const auto& f : all_flags()) {
    if (f.name == name) return &f;
  }
  return nullptr;
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

Result<Options> parse_flags(const std::vector<std::string>& args) {
  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h") {
      options.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      return flag_error("unexpected argument '" + arg + "' (flags start with --; see --help)");
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    bool negated = false;
    const Flag* flag = find_flag(name);
    if (!flag && name.rfind("no-", 0) == 0) {
      flag = find_flag(name.substr(3));
      if (flag && !flag->boolean) flag = nullptr;
      negated = flag != nullptr;
    }
    if (!flag) return flag_error("unknown flag --" + name + " (see --help)");
    std::string text;
    if (flag->boolean) {
      if (value && negated) return flag_error("flag --" + name + " takes no value or true/false, got '" + *value + "'");
      text = value ? *value : negated ? "false" : "true";
    } else if (value) {
      text = std::move(*value);
    } else if (i + 1 < args.size()) {
      text = args[++i];
    } else {
      return flag_error("flag --" + name + " needs a value");
    }
    if (auto stored = flag->set(options, text); !stored) return stored.error();
  }
  if (options.listen_addresses.empty()) options.listen_addresses.push_back(kDefaultListenAddress);
  if (options.once && options.dump) return flag_error("--once and --dump cannot be used together");
  return options;
}

std::string usage_text() {
  std::ostringstream out;
  out << "usage: ifmib_exporter [<flags>]\n\n"
         "Prometheus exporter for the interface MIB, send queues and multicast memberships\n"
         "(what ifmib(4), netstat -i and ifmcstat(8) show).\n\nFlags:\n";
  for (const auto& f : all_flags()) {
    out << "  --";
    if (f.boolean && f.name.rfind("collector.", 0) == 0 && f.name != "collector.disable-defaults") out << "[no-]";
    out << f.name << (f.boolean ? "" : "=VALUE") << "\n      " << f.help;
    if (!f.boolean && !f.default_text.empty()) out << " (default: " << f.default_text << ")";
    out << "\n";
  }
  return out.str();
}

}  // namespace ifmib::cmd
