#include "collector/scrape.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

#include "base/log.h"

namespace ifmib::collector {

namespace {

// Each kind of kernel read happens at most once per scrape, however many collectors ask for it
// (ifmib and ether both want the link dump). Lives for one scrape only, on one thread.
class ScrapeReader final : public platform::Reader {
 public:
  explicit ScrapeReader(platform::Reader& inner) : inner_(inner) {}
  Result<std::vector<platform::Interface>> interfaces() override {
    if (!interfaces_) interfaces_.emplace(inner_.interfaces());
    return *interfaces_;
  }
  Result<std::vector<platform::SendQueue>> send_queues(const platform::SendQueueQuery& q) override {
    auto links = interfaces();
    if (!links) return links.error();
    return inner_.send_queues_of(*links, q);
  }
  Result<platform::MulticastSnapshot> multicast(const platform::MulticastQuery& q) override {
    return inner_.multicast(q);
  }
  Result<platform::ProcessStats> process() override { return inner_.process(); }

 private:
  platform::Reader& inner_;
  std::optional<Result<std::vector<platform::Interface>>> interfaces_;
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
  for (const auto& name : names_) collectors_.push_back(find_collector(name)->make(options));
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
  ScrapeReader reader(inner);
  Families out;
  auto duration = make_family(exporter_metric(ExporterMetric::scrape_collector_duration_seconds));
  auto success = make_family(exporter_metric(ExporterMetric::scrape_collector_success));

  for (std::size_t k = 0; k < collectors_.size(); ++k) {
    const std::string& name = names_[k];
    if (!selection.include.empty() && !contains(selection.include, name)) continue;
    if (contains(selection.exclude, name)) continue;
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
