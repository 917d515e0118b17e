#pragma once
// Whole-file reads of procfs and seq_file text (the fetching half; parsers live beside it).

#include <string>

#include "base/result.h"

namespace ifmib::platform::procfs {

/// Reads the whole file at `path` (e.g. "/proc/net/igmp") and returns its bytes.
/// A seq_file restarts its walk from the head on every read(2), so this reads in large chunks
/// (256 KiB first, doubling as needed) to keep the cost close to linear in the file size.
/// Retries EINTR; fails with the errno and the path; files over 256 MiB fail with EFBIG.
/// Thread safety: re-entrant (no shared state; the descriptor is closed on every path).
Result<std::string> read_proc_file(const std::string& path);

}  // namespace ifmib::platform::procfs
