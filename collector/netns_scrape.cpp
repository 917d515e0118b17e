#include "collector/netns_scrape.h"

#include <algorithm>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "collector/exporter_metrics.h"
#include "base/log.h"

namespace ifmib::collector {

namespace {

constexpr const char* kReasons[] = {"max", "deadline", "permission", "error"};

// Concatenates the samples of same-named families, keeping the first-seen order of names.
void merge_into(Families& out, std::map<std::string_view, std::size_t>& index, Families&& more) {
  for (auto& family : more) {
    const auto [it, inserted] = index.emplace(family.spec.name, out.size());
    if (inserted) {
      out.push_back(std::move(family));
    } else {
      append_samples(out[it->second], std::move(family));
    }
  }
}

}  // namespace

NetnsFanout::NetnsFanout(NetnsOptions options, std::shared_ptr<platform::NamespaceSource> source)
    : options_(std::move(options)), source_(std::move(source)) {
  options_.max = std::max<std::size_t>(options_.max, 1);
  options_.workers = std::max(options_.workers, 1);
}

bool NetnsFanout::announce_access() const {
  const auto access = source_->check_access();
  if (access) return true;
  log::warn("cannot read other network namespaces; serving only the exporter's own",
            {{"err", access.error().text()},
             {"hint", "--collector.netns needs CAP_SYS_ADMIN (setns), and CAP_SYS_PTRACE to find unnamed namespaces"}});
  return false;
}

Families NetnsFanout::collect(const CollectOne& collect_one, platform::Reader& own) const {
  const auto deadline = std::chrono::steady_clock::now() + options_.deadline;
  std::map<std::string, double> skipped;
  for (const char* reason : kReasons) skipped[reason] = 0;

  std::vector<platform::NetworkNamespace> targets;
  int unreadable_processes = 0;
  std::string list_error;
  if (auto listed = source_->list()) {
    unreadable_processes = listed->unreadable_processes;
    for (auto& ns : listed->namespaces) {
      if (ns.own || options_.names.accepts(ns.label)) targets.push_back(std::move(ns));
    }
  } else {
    list_error = listed.error().text();
  }
  // The own namespace first, always; list() puts it first, but a failed listing has none.
  const auto own_it = std::find_if(targets.begin(), targets.end(), [](const auto& ns) { return ns.own; });
  if (own_it == targets.end()) targets.insert(targets.begin(), platform::NetworkNamespace{"", 0, "", "", true});
  else std::rotate(targets.begin(), own_it, own_it + 1);
  if (targets.size() > options_.max) {
    skipped["max"] = static_cast<double>(targets.size() - options_.max);
    targets.resize(options_.max);
  }

  // Workers take namespaces in order; each result lands in its own slot, so the output order is
  // the listing order whatever the timing.
  std::vector<std::optional<Families>> results(targets.size());
  std::vector<std::optional<Error>> failures(targets.size());
  std::vector<char> late(targets.size(), 0);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < targets.size(); i = next++) {
      const auto& ns = targets[i];
      if (ns.own) {
        results[i] = collect_one(own, &ns.label);
        continue;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        late[i] = 1;
        continue;
      }
      auto status = source_->run_inside(
          ns, [&](platform::Reader& reader) { results[i] = collect_one(reader, &ns.label); });
      if (!status) failures[i] = status.error();
    }
  };
  const int n_threads = static_cast<int>(std::min<std::size_t>(options_.workers, targets.size()));
  std::vector<std::thread> threads;
  for (int t = 1; t < n_threads; ++t) threads.emplace_back(work);
  work();  // the scrape's own thread is one of the workers
  for (auto& t : threads) t.join();

  Families out;
  std::map<std::string_view, std::size_t> index;  // names point at the static metric tables
  auto info = make_family(exporter_metric(ExporterMetric::netns_info));
  std::string first_permission, first_error;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& ns = targets[i];
    if (late[i]) {
      ++skipped["deadline"];
    } else if (failures[i]) {
      switch (platform::classify_namespace_error(*failures[i])) {
        case platform::NamespaceFailure::vanished:
          log::debug("network namespace vanished before it was read", {{"netns", ns.label}});
          break;
        case platform::NamespaceFailure::permission:
          ++skipped["permission"];
          if (first_permission.empty()) first_permission = failures[i]->text();
          break;
        case platform::NamespaceFailure::other:
          ++skipped["error"];
          if (first_error.empty()) first_error = ns.label + ": " + failures[i]->text();
          break;
      }
    } else if (results[i]) {
      merge_into(out, index, std::move(*results[i]));
      add_sample(info, {{"netns", ns.label}, {"inode", std::to_string(ns.inode)}, {"process", ns.process}}, 1);
    }
  }

  auto skipped_family = make_family(exporter_metric(ExporterMetric::netns_skipped));
  for (const char* reason : kReasons) add_sample(skipped_family, {{"reason", reason}}, skipped[reason]);
  auto unreadable = make_family(exporter_metric(ExporterMetric::netns_unreadable_processes));
  add_sample(unreadable, {}, unreadable_processes);
  Families own_families;
  own_families.push_back(std::move(info));
  own_families.push_back(std::move(skipped_family));
  own_families.push_back(std::move(unreadable));
  append_nonempty(out, std::move(own_families));

  // One warn line when the picture changes (a limit hit, permissions lost), debug while it stays.
  std::string summary;
  for (const char* reason : kReasons) {
    if (skipped[reason] > 0) summary += std::string(summary.empty() ? "" : " ") + reason + "=" +
                                        std::to_string(static_cast<long long>(skipped[reason]));
  }
  if (!list_error.empty()) summary += (summary.empty() ? "" : " ") + std::string("list_failed");
  std::lock_guard lock(log_mu_);
  if (!summary.empty()) {
    const bool repeated = summary == last_warning_;
    log::write(repeated ? log::Level::debug : log::Level::warn, "network namespaces skipped in this scrape",
               {{"skipped", summary},
                {"max", std::to_string(options_.max)},
                {"deadline_seconds", std::to_string(std::chrono::duration<double>(options_.deadline).count())},
                {"permission_err", first_permission},
                {"err", first_error.empty() ? list_error : first_error}});
  } else if (!last_warning_.empty()) {
    log::info("every network namespace read again");
  }
  last_warning_ = summary;
  return out;
}

}  // namespace ifmib::collector
