#pragma once
// The exporter's own process_* numbers from procfs: pure parsers plus one reading function.

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::procfs {

/// Builds ProcessStats from the text of /proc/self/stat (proc(5)). `clock_ticks` is
/// sysconf(_SC_CLK_TCK), `page_size` sysconf(_SC_PAGESIZE) in bytes, `boot_time_seconds` the Unix
/// time of boot (btime, see parse_boot_time), `open_fds` the number of open descriptors and
/// `max_fds` the soft open-file limit (empty: unlimited), both passed through. cpu_seconds is
/// utime + stime; start_time_seconds is boot time plus starttime. Pure and re-entrant.
Result<ProcessStats> parse_process_stats(std::string_view stat, long clock_ticks, long page_size,
                                         double boot_time_seconds, std::uint64_t open_fds,
                                         std::optional<std::uint64_t> max_fds);

/// The "btime" line of /proc/stat: boot time in seconds since the Unix epoch.
Result<double> parse_boot_time(std::string_view proc_stat);

/// Reads /proc/self/stat and (once) /proc/stat, counts /proc/self/fd (without the descriptor used
/// to list it) and takes the soft RLIMIT_NOFILE, which /proc/self/limits would show. Thread
/// safety: re-entrant.
Result<ProcessStats> read_process_stats();

}  // namespace ifmib::platform::procfs
