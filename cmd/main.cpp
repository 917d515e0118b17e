// ifmib_exporter: flags, logging, reader + collectors, HTTP server, signals. Nothing else.

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#if defined(__GLIBC__)  // defined by the headers above
#include <malloc.h>
#endif

#include "base/log.h"
#include "cmd/flags.h"
#include "cmd/routes.h"
#include "collector/collector.h"
#include "collector/exporter_metrics.h"
#include "collector/exposition_text.h"
#include "collector/netns_scrape.h"
#include "collector/scrape.h"
#include "platform/netns_source.h"
#include "platform/reader.h"
#include "platform/snapshot_json.h"
#include "server/http_server.h"

namespace {

using namespace ifmib;

int fail(const std::string& message) {
  std::fprintf(stderr, "ifmib_exporter: %s\n", message.c_str());
  return 1;
}

// --dump: every platform read as JSON; exit status 1 if any read failed.
int dump(platform::Reader& reader) {
  nlohmann::ordered_json out;
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  if (auto interfaces = reader.interfaces()) {
    out["interfaces"] = nlohmann::ordered_json::array();
    for (const auto& i : *interfaces) out["interfaces"].push_back(platform::to_json(i));
  } else {
    errors.push_back(interfaces.error().within("interfaces").text());
  }
  if (auto queues = reader.send_queues(platform::SendQueueQuery{true})) {
    out["send_queues"] = nlohmann::ordered_json::array();
    for (const auto& q : *queues) out["send_queues"].push_back(platform::to_json(q));
  } else {
    errors.push_back(queues.error().within("send_queues").text());
  }
  platform::MulticastQuery all;
  all.users = true;
  if (auto multicast = reader.multicast(all)) {
    out["multicast"] = platform::to_json(*multicast);
  } else {
    errors.push_back(multicast.error().within("multicast").text());
  }
  if (auto process = reader.process()) {
    out["process"] = platform::to_json(*process);
  } else {
    errors.push_back(process.error().within("process").text());
  }
  out["errors"] = errors;
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return errors.empty() ? 0 : 1;
}

// glibc malloc for a process that builds a large scrape again and again. Called before any
// thread starts. Measured on the bench fixtures (bench/results/2026-11-25.md):
// - Keep freed memory for the next scrape instead of returning it to the kernel and faulting it
//   back in (setting both thresholds turns off glibc's dynamic ones): at 1000 interfaces 1600 ->
//   25 page faults and 55 -> 32 ms CPU per scrape; RSS after a scrape stays at its peak.
// - Arenas: glibc gives every thread that allocates its own (up to 8 per core), and the HTTP
//   server runs each scrape on whichever worker is free, so every arena came to hold a scrape's
//   peak (187 MiB at 1000 interfaces, measured with civetweb's workers). One arena: 4000 interfaces 68 MiB instead of 123 MiB with
//   two, at the same CPU. But namespaces are read by parallel threads: 100 namespaces of 10
//   interfaces took 183-201 ms per scrape with one arena and 83-88 ms with two.
void tune_malloc(bool reads_namespaces) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's largest allowed value on 64-bit
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_ARENA_MAX, reads_namespaces ? 2 : 1);
#else
  (void)reads_namespaces;
#endif
}

// Every open connection is a descriptor, and the server keeps connections that wait for a request
// (README "Hostile clients"). systemd starts services with a soft limit of 1024 and a hard one of
// 524288; like Go programs (node_exporter) since Go 1.19, take the hard limit. When even that runs
// out, the server closes the connections that have waited longest and logs it once.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t soft = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  log::debug("raised the open file limit", {{"from", std::to_string(soft)}, {"to", std::to_string(limit.rlim_cur)}});
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = cmd::parse_flags(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) return fail(options.error().text());
  tune_malloc(options->netns);
  if (options->help) {
    std::cout << cmd::usage_text();
    return 0;
  }
  const auto build = collector::current_build_info();
  if (options->version) {
    std::cout << "ifmib_exporter, version " << build.version << " (revision: " << build.revision << ")\n"
              << "  compiler: " << build.compiler << "\n  platform: " << build.platform << "\n";
    return 0;
  }

  log::configure(options->log_format, options->log_level);

  auto devices = collector::DeviceFilter::create(options->device_include, options->device_exclude);
  if (!devices) return fail(devices.error().text());
  collector::Options collector_options{*devices, options->multicast_families, options->multicast_groups,
                                       options->send_queue_per_queue};

  std::shared_ptr<platform::Reader> reader = platform::make_system_reader();
  if (options->dump) return dump(*reader);

  server::StatusCounter statuses;
  collector::Scraper scraper(options->enabled_collectors(), collector_options, reader,
                             !options->disable_exporter_metrics, [&statuses] { return statuses.counts(); });
  if (options->netns) {
    auto names = collector::DeviceFilter::create(options->netns_include, options->netns_exclude);
    if (!names) return fail(names.error().within("--collector.netns.include/exclude").text());
    auto fanout = std::make_shared<collector::NetnsFanout>(
        collector::NetnsOptions{*names, static_cast<std::size_t>(options->netns_max),
                                options->netns_timeout},
        platform::make_system_namespace_source());
    fanout->announce_access();
    scraper.set_fanout(std::move(fanout));
  }

  if (options->once) {
    std::cout << collector::exposition_text(scraper.scrape({}));
    return 0;
  }

  // Block the signals we handle before any thread starts, so the server's threads inherit the mask
  // and only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // re-read --web.config.file
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::shared_ptr<server::WebSecurity> security;
  if (!options->web_config_file.empty()) {
    auto loaded = server::WebSecurity::load(options->web_config_file);
    if (!loaded) return fail(loaded.error().text());
    security = std::move(*loaded);
  }
  raise_open_file_limit();
  server::ServerConfig config{options->listen_addresses, options->telemetry_path, options->max_requests};
  const cmd::LandingPage landing{options->telemetry_path, scraper.enabled(), build.version, build.revision};
  auto http = server::HttpServer::start(config, cmd::exporter_routes(scraper, landing), statuses, security);
  if (!http) return fail(http.error().text());

  std::string collectors;
  for (const auto& n : scraper.enabled()) collectors += (collectors.empty() ? "" : ",") + n;
  log::info("starting ifmib_exporter", {{"version", build.version}, {"revision", build.revision}});
  log::info("enabled collectors", {{"collectors", collectors}});
  for (const auto& address : (*http)->bound_addresses()) {
    log::info("listening", {{"address", address}, {"telemetry_path", options->telemetry_path},
                            {"tls", security && security->tls() ? "true" : "false"}});
  }

  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    if (!security) {
      log::info("SIGHUP: no --web.config.file to re-read");
    } else if (auto reloaded = security->reload(); reloaded) {
      log::info("web config reloaded", {{"file", options->web_config_file}});
    } else {
      log::error("web config reload failed; keeping the previous configuration", {{"err", reloaded.error().text()}});
    }
  }
  log::info("shutting down: finishing in-flight requests", {{"signal", strsignal(received)}});
  (*http)->stop();
  log::info("stopped");
  return 0;
}
