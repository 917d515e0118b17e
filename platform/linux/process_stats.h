#pragma once
// The exporter's own process_* numbers from procfs: pure parsers plus one reading function.

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform::procfs {

/// Builds ProcessStats from the text of /proc/self/stat and /proc/self/limits (proc(5)).
/// `clock_ticks` is sysconf(_SC_CLK_TCK), `page_size` sysconf(_SC_PAGESIZE) in bytes,
/// `boot_time_seconds` the Unix time of boot (btime, see parse_boot_time), and `open_fds` the
/// number of open descriptors. cpu_seconds is utime + stime; start_time_seconds is boot time plus
/// starttime. max_fds is the soft "Max open files" limit, empty when it is "unlimited".
/// Pure and re-entrant.
Result<ProcessStats> parse_process_stats(std::string_view stat, std::string_view limits, long clock_ticks,
                                         long page_size, double boot_time_seconds, std::uint64_t open_fds);

/// The "btime" line of /proc/stat: boot time in seconds since the Unix epoch.
Result<double> parse_boot_time(std::string_view proc_stat);

/// Reads /proc/self/stat, /proc/self/limits and /proc/stat and counts /proc/self/fd (without the
/// descriptor used to list it). Thread safety: re-entrant.
Result<ProcessStats> read_process_stats();

}  // namespace ifmib::platform::procfs
