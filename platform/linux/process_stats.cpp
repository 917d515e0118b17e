#include "platform/linux/process_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "platform/linux/procfs_file.h"
#include "platform/linux/text_fields.h"

namespace ifmib::platform::procfs {

namespace {

std::vector<std::string_view> split_blanks(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

Error invalid(std::string_view file, std::string detail) {
  return Error::invalid("parse " + std::string(file), std::move(detail));
}

// Field numbers of proc(5) /proc/pid/stat, counted from 1 (pid) and 2 (comm).
constexpr std::size_t kUtime = 14, kStime = 15, kStarttime = 22, kVsize = 23, kRss = 24;

// The soft RLIMIT_NOFILE, empty when unlimited: what /proc/self/limits shows as the soft "Max
// open files" (proc_pid_limits() prints the same rlim_cur), without the kernel formatting all
// sixteen limits into a file for it at every scrape.
Result<std::optional<std::uint64_t>> max_open_files() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return Error::from_errno("getrlimit(RLIMIT_NOFILE)", errno);
  if (limit.rlim_cur == RLIM_INFINITY) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(limit.rlim_cur));
}

Result<std::uint64_t> count_open_fds() {
  const char* const path = "/proc/self/fd";
  DIR* dir = ::opendir(path);
  if (dir == nullptr) return Error::from_errno(std::string("opendir ") + path, errno);
  const std::string own = std::to_string(::dirfd(dir));
  std::uint64_t count = 0;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    const std::string_view name = entry->d_name;
    if (name == "." || name == ".." || name == own) continue;
    ++count;
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) return Error::from_errno(std::string("readdir ") + path, err);
  return count;
}

}  // namespace

Result<ProcessStats> parse_process_stats(std::string_view stat, long clock_ticks, long page_size,
                                         double boot_time_seconds, std::uint64_t open_fds,
                                         std::optional<std::uint64_t> max_fds) {
  if (clock_ticks <= 0 || page_size <= 0) {
    return Error::invalid("process stats", "clock ticks and page size must be positive");
  }
  // "pid (comm) state ...": comm may itself hold spaces and ')', so it ends at the last ')'.
  const std::size_t paren = stat.rfind(')');
  if (stat.find('(') == std::string_view::npos || paren == std::string_view::npos) {
    return invalid("/proc/self/stat", "no \"(comm)\" field");
  }
  const auto rest = split_blanks(stat.substr(paren + 1));  // rest[0] is field 3 (state)
  if (rest.size() < kRss - 2) {
    return invalid("/proc/self/stat", "expected at least " + std::to_string(kRss) + " fields");
  }
  const auto field = [&](std::size_t number) { return parse_decimal<std::uint64_t>(rest[number - 3]); };
  const auto utime = field(kUtime), stime = field(kStime), start = field(kStarttime);
  const auto vsize = field(kVsize), rss = field(kRss);
  if (!utime || !stime || !start || !vsize || !rss) {
    return invalid("/proc/self/stat", "bad utime, stime, starttime, vsize or rss");
  }

  const double ticks = static_cast<double>(clock_ticks);
  ProcessStats out;
  out.cpu_seconds = static_cast<double>(*utime + *stime) / ticks;
  out.resident_memory_bytes = *rss * static_cast<std::uint64_t>(page_size);
  out.virtual_memory_bytes = *vsize;
  out.open_fds = open_fds;
  out.max_fds = max_fds;
  out.start_time_seconds = boot_time_seconds + static_cast<double>(*start) / ticks;
  return out;
}

Result<double> parse_boot_time(std::string_view proc_stat) {
  std::size_t start = 0;
  while (start < proc_stat.size()) {
    std::size_t end = proc_stat.find('\n', start);
    if (end == std::string_view::npos) end = proc_stat.size();
    const std::string_view line = proc_stat.substr(start, end - start);
    start = end + 1;
    const auto f = split_blanks(line);
    if (f.empty() || f[0] != "btime") continue;
    const auto value = f.size() == 2 ? parse_decimal<std::uint64_t>(f[1]) : std::nullopt;
    if (!value) return invalid("/proc/stat", "bad btime line");
    return static_cast<double>(*value);
  }
  return invalid("/proc/stat", "no btime line");
}

namespace {

// /proc/stat is read for its btime line once, not at every scrape: the kernel builds the whole
// file (every CPU's times, every interrupt's count: show_stat) for that one number, which does not
// change while the process runs. The start time derived from it then also stays put when the
// wall clock is stepped, as a restart detector wants. A failed read is not kept: the next scrape
// tries again.
Result<double> boot_time_seconds() {
  static std::mutex mu;
  static std::optional<double> cached;
  const std::lock_guard lock(mu);
  if (cached) return *cached;
  auto proc_stat = read_proc_file("/proc/stat");
  if (!proc_stat) return proc_stat.error();
  auto boot = parse_boot_time(*proc_stat);
  if (boot) cached = *boot;
  return boot;
}

}  // namespace

Result<ProcessStats> read_process_stats() {
  auto stat = read_proc_file("/proc/self/stat");
  if (!stat) return stat.error();
  const auto max_fds = max_open_files();
  if (!max_fds) return max_fds.error();
  const auto boot = boot_time_seconds();
  if (!boot) return boot.error();
  const auto fds = count_open_fds();
  if (!fds) return fds.error();
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  return parse_process_stats(*stat, ticks, page, *boot, *fds, *max_fds);
}

}  // namespace ifmib::platform::procfs
