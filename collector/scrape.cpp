#include "collector/scrape.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

#include "base/log.h"

namespace ifmib::collector {

namespace {

// Each kind of kernel read happens at most once per scrape, however many collectors ask for it
// (ifmib and ether both want the interfaces), and only the reads the scrape's collectors declared
// (CollectorInfo::reads) happen at all. Lives for one scrape only, on one thread.
class ScrapeReader final : public platform::Reader {
 public:
  /// `interface_uses`: how many calls of this scrape will use the interfaces (the collectors
  /// declaring them, plus send_queues() when it is named from them); after the last one the
  /// scrape lets go of the list, which the collectors hold only while they run.
  ScrapeReader(platform::Reader& inner, platform::Reads declared, int interface_uses)
      : inner_(inner), declared_(declared), interface_uses_(interface_uses) {}

  /// The declared reads of the collector about to run: a call outside them fails.
  void allow(platform::Reads reads) { allowed_ = reads; }

  Result<std::shared_ptr<const std::vector<platform::Interface>>> shared_interfaces() override {
    if (auto denied = check(platform::Read::interfaces, "interfaces")) return *denied;
    return use_interfaces();
  }
  Result<std::vector<platform::Interface>> interfaces() override {
    auto shared = shared_interfaces();
    if (!shared) return shared.error();
    return **shared;
  }
  Result<std::vector<platform::SendQueue>> send_queues(const platform::SendQueueQuery& q) override {
    if (auto denied = check(platform::Read::send_queues, "send_queues")) return *denied;
    // When the scrape reads the interfaces anyway, the queues are named from them (one read);
    // otherwise the reader names them its cheaper way.
    if (!declared_.has(platform::Read::interfaces)) return inner_.send_queues(q);
    auto interfaces = use_interfaces();
    if (!interfaces) return interfaces.error();
    return inner_.send_queues_of(**interfaces, q);
  }
  Result<platform::MulticastSnapshot> multicast(const platform::MulticastQuery& q) override {
    if (auto denied = check(platform::Read::multicast, "multicast")) return *denied;
    return inner_.multicast(q);
  }
  Result<std::shared_ptr<const platform::MulticastSnapshot>> shared_multicast(const platform::MulticastQuery& q) override {
    if (auto denied = check(platform::Read::multicast, "multicast")) return *denied;
    return inner_.shared_multicast(q);
  }
  Result<platform::ProcessStats> process() override { return inner_.process(); }

 private:
  // A collector that calls a read it did not declare would make the scrape's plan wrong (e.g.
  // a second link dump); fail it, so that the registry stays true.
  std::optional<Error> check(platform::Read read, const char* what) const {
    if (allowed_.has(read)) return std::nullopt;
    return Error::invalid(std::string("read ") + what + "()", "not declared in collector/registry.cpp");
  }

  // The interfaces for one more of the uses counted at construction: read at the first.
  Result<std::shared_ptr<const std::vector<platform::Interface>>> use_interfaces() {
    if (!interfaces_) interfaces_.emplace(inner_.shared_interfaces());
    auto list = *interfaces_;
    if (--interface_uses_ <= 0) {
      interfaces_.emplace(Error::invalid("interfaces", "already handed to the last collector that declared them"));
    }
    return list;
  }

  platform::Reader& inner_;
  platform::Reads declared_;     // every read of this scrape's collectors
  int interface_uses_;           // calls still to come that use interfaces_
  platform::Reads allowed_;      // the running collector's own
  std::optional<Result<std::shared_ptr<const std::vector<platform::Interface>>>> interfaces_;
};

Result<Families> collect_guarded(const Collector& c, platform::Reader& reader) {
  try {
    return c.collect(reader);
  } catch (const std::exception& e) {
    return Error::invalid("unexpected exception", e.what());
  }
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

Scraper::Scraper(std::vector<std::string> enabled, const Options& options, std::shared_ptr<platform::Reader> reader,
                 bool exporter_metrics, HttpStatusCounts http_status_counts)
    : names_(std::move(enabled)),
      reader_(std::move(reader)),
      exporter_metrics_(exporter_metrics),
      http_status_counts_(std::move(http_status_counts)),
      build_info_(current_build_info()) {
  for (const auto& name : names_) {
    const CollectorInfo* info = find_collector(name);
    collectors_.push_back(info->make(options));
    reads_.push_back(info->reads);
  }
}

std::optional<std::string> Scraper::check(const Selection& selection) const {
  for (const auto* list : {&selection.include, &selection.exclude}) {
    for (const auto& name : *list) {
      if (!find_collector(name)) return "unknown collector: " + name;
      if (!contains(names_, name)) return "disabled collector: " + name;
    }
  }
  return std::nullopt;
}

void Scraper::note_outcome(const std::string& name, const std::string* netns, double seconds,
                           const Error* error) const {
  std::lock_guard lock(failures_mu_);
  const std::string key = netns ? *netns + "/" + name : name;
  const auto it = last_failure_.find(key);
  if (!error) {
    if (it != last_failure_.end()) {
      if (netns) log::info("collector recovered", {{"collector", name}, {"netns", *netns}});
      else log::info("collector recovered", {{"collector", name}});
      last_failure_.erase(it);
    }
    return;
  }
  // Log a failure once at error level; repeats of the same error go to debug so a broken
  // collector does not flood the log at every scrape.
  const std::string text = error->text();
  const bool repeated = it != last_failure_.end() && it->second == text;
  const log::Level level = repeated ? log::Level::debug : log::Level::error;
  if (netns) {
    log::write(level, "collector failed",
               {{"collector", name}, {"netns", *netns}, {"duration_seconds", std::to_string(seconds)}, {"err", text}});
  } else {
    log::write(level, "collector failed",
               {{"collector", name}, {"duration_seconds", std::to_string(seconds)}, {"err", text}});
  }
  last_failure_[key] = text;
}

Families Scraper::collect_from(platform::Reader& inner, const Selection& selection, const std::string* netns) const {
  const auto selected = [&](const std::string& name) {
    return (selection.include.empty() || contains(selection.include, name)) && !contains(selection.exclude, name);
  };
  platform::Reads declared;
  int interface_uses = 0;
  for (std::size_t k = 0; k < collectors_.size(); ++k) {
    if (!selected(names_[k])) continue;
    declared = declared | reads_[k];
    interface_uses += reads_[k].has(platform::Read::interfaces) ? 1 : 0;
  }
  for (std::size_t k = 0; k < collectors_.size(); ++k) {
    if (selected(names_[k]) && reads_[k].has(platform::Read::send_queues) && declared.has(platform::Read::interfaces)) {
      ++interface_uses;
    }
  }
  ScrapeReader reader(inner, declared, interface_uses);
  Families out;
  auto duration = make_family(exporter_metric(ExporterMetric::scrape_collector_duration_seconds));
  auto success = make_family(exporter_metric(ExporterMetric::scrape_collector_success));

  for (std::size_t k = 0; k < collectors_.size(); ++k) {
    const std::string& name = names_[k];
    if (!selected(name)) continue;
    reader.allow(reads_[k]);
    const auto start = std::chrono::steady_clock::now();
    auto result = collect_guarded(*collectors_[k], reader);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    note_outcome(name, netns, seconds, result ? nullptr : &result.error());
    if (result) std::move(result->begin(), result->end(), std::back_inserter(out));
    add_sample(duration, {{"collector", name}}, seconds);
    add_sample(success, {{"collector", name}}, result ? 1 : 0);
  }
  append_nonempty(out, {std::move(duration), std::move(success)});
  // What the reader served only in part (a skipped interface row) must not be silent.
  for (const Error& note : inner.take_notes()) {
    if (netns) log::warn("partly read", {{"netns", *netns}, {"err", note.text()}});
    else log::warn("partly read", {{"err", note.text()}});
  }
  if (netns) append_label(out, "netns", *netns);
  return out;
}

Families Scraper::scrape(const Selection& selection) const {
  Families out;
  if (fanout_) {
    out = fanout_->collect(
        [&](platform::Reader& reader, const std::string* label) { return collect_from(reader, selection, label); },
        *reader_);
  } else {
    out = collect_from(*reader_, selection);
  }
  Families own;
  own.push_back(build_info_family(build_info_));
  if (exporter_metrics_) {
    if (auto stats = reader_->process()) {
      for (auto& f : process_families(*stats)) own.push_back(std::move(f));
    } else {
      log::debug("process metrics unavailable", {{"err", stats.error().text()}});
    }
    if (http_status_counts_) own.push_back(http_requests_family(http_status_counts_()));
  }
  append_nonempty(out, std::move(own));
  return out;
}

}  // namespace ifmib::collector
