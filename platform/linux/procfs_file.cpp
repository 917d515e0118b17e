#include "platform/linux/unique_fd.h"
#include "platform/linux/procfs_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ifmib::platform::procfs {

namespace {

// Small first: most files are small (a namespace with a few interfaces has a few hundred bytes),
// and every byte of the buffer is zeroed before use; big ones double their way up.
constexpr std::size_t kInitialBuffer = 16 * 1024;
constexpr std::size_t kMaxFileSize = 256 * 1024 * 1024;

// The size each path had when last read: the next read of it starts with that much room and a
// page more, so that a 300 KB /proc/net/igmp6 is read into one buffer instead of doubling up from
// 16 KiB, every doubling zero-filling and copying (about a megabyte per full scrape at 1000
// interfaces). A hint only, as netlink_socket.cpp keeps for dumps: a file that grew doubles on
// from there. The paths are the few files the readers know, so the table stays small.
class SizeHints {
 public:
  std::size_t initial(const std::string& path) {
    const std::lock_guard lock(mutex_);
    const auto it = sizes_.find(path);
    return it == sizes_.end() ? kInitialBuffer : std::max(kInitialBuffer, it->second + 4096);
  }
  void remember(const std::string& path, std::size_t size) {
    const std::lock_guard lock(mutex_);
    if (sizes_.size() < kMaxPaths || sizes_.contains(path)) sizes_[path] = size;
  }

 private:
  static constexpr std::size_t kMaxPaths = 64;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> sizes_;
};

SizeHints& size_hints() {
  static SizeHints hints;
  return hints;
}

// Owns one descriptor; read-only, so a failing close(2) has nothing to report.
using FdGuard = ::ifmib::platform::UniqueFd;

}  // namespace

Result<std::string> read_proc_file(const std::string& path) {
  int raw_fd = -1;
  do {
    raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (raw_fd < 0 && errno == EINTR);
  if (raw_fd < 0) return Error::from_errno("open " + path, errno);
  const FdGuard fd(raw_fd);

  std::string data(size_hints().initial(path), '\0');
  std::size_t used = 0;
  for (;;) {
    if (used == data.size()) {
      if (data.size() >= kMaxFileSize) return Error::from_errno("read " + path, EFBIG);
      data.resize(data.size() * 2);
    }
    const ssize_t n = ::read(fd.get(), data.data() + used, data.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read " + path, errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  data.resize(used);
  size_hints().remember(path, used);
  return data;
}

}  // namespace ifmib::platform::procfs
