#include "platform/linux/unique_fd.h"
#include "platform/linux/procfs_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace ifmib::platform::procfs {

namespace {

// Small first: most files are small (a namespace with a few interfaces has a few hundred bytes),
// and every byte of the buffer is zeroed before use; big ones double their way up.
constexpr std::size_t kInitialBuffer = 16 * 1024;
constexpr std::size_t kMaxFileSize = 256 * 1024 * 1024;

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

  std::string data(kInitialBuffer, '\0');
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
  return data;
}

}  // namespace ifmib::platform::procfs
