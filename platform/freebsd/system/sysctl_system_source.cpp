// FreeBSD only (CMake adds platform/freebsd/system/ when CMAKE_SYSTEM_NAME is FreeBSD):
// the sysctl(3) source, process statistics, and make_system_reader().

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/sockio.h>
#include <sys/resource.h>
#include <sys/sysctl.h>
#include <sys/time.h>
#include <sys/user.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_media.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include <vector>

#include "platform/freebsd/freebsd_reader.h"
#include "platform/freebsd/sysctl_source.h"
#include "platform/reader.h"

namespace ifmib::platform {

namespace sysctl {
namespace {

/// sysctl(3) and sysctlnametomib(3). Stateless, so safe to call from any thread.
class SystemSource final : public Source {
 public:
  Result<std::vector<std::uint8_t>> read(std::span<const int> mib) override {
    // A mutable copy: older headers declare sysctl(3)'s name as int *, newer as const int *.
    std::vector<int> name(mib.begin(), mib.end());
    const auto namelen = static_cast<u_int>(name.size());
    std::size_t len = 0;
    if (::sysctl(name.data(), namelen, nullptr, &len, nullptr, 0) != 0) {
      return Error::from_errno("size probe", errno);
    }
    std::vector<std::uint8_t> buf(len);
    if (len == 0) return buf;
    // ENOMEM here means the value grew since the probe; the reader retries.
    if (::sysctl(name.data(), namelen, buf.data(), &len, nullptr, 0) != 0) {
      return Error::from_errno("read", errno);
    }
    buf.resize(len);
    return buf;
  }

  Result<std::vector<int>> resolve(std::string_view name) override {
    const std::string n(name);
    std::vector<int> mib(CTL_MAXNAME);
    std::size_t len = mib.size();
    if (::sysctlnametomib(n.c_str(), mib.data(), &len) != 0) return Error::from_errno(n, errno);
    mib.resize(len);
    return mib;
  }

  Result<std::vector<std::uint8_t>> media(std::string_view name) override {
    ifmediareq req{};
    if (name.empty() || name.size() >= sizeof req.ifm_name) return Error::invalid("SIOCGIFMEDIA", "interface name length");
    std::memcpy(req.ifm_name, name.data(), name.size());
    // A socket per call: readers are re-entrant, and this one costs one syscall pair per interface.
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error::from_errno("socket for SIOCGIFMEDIA", errno);
    const int rc = ::ioctl(fd, SIOCGIFMEDIA, &req);  // ifm_count 0, ifm_ulist NULL: the words only
    const int err = errno;
    ::close(fd);
    if (rc != 0) return Error::from_errno("SIOCGIFMEDIA", err);
    std::vector<std::uint8_t> bytes(sizeof req);
    std::memcpy(bytes.data(), &req, sizeof req);
    return bytes;
  }
};

}  // namespace
}  // namespace sysctl

namespace freebsd {
namespace {

// The whole value of a kern.proc node of this process, retrying while it grows.
Result<std::vector<std::uint8_t>> read_proc_node(int node) {
  int mib[4] = {CTL_KERN, KERN_PROC, node, static_cast<int>(::getpid())};
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::size_t len = 0;
    if (::sysctl(mib, 4, nullptr, &len, nullptr, 0) != 0) return Error::from_errno("kern.proc size probe", errno);
    len += len / 4;  // descriptors may be opened between the two calls
    std::vector<std::uint8_t> buf(len);
    if (::sysctl(mib, 4, buf.data(), &len, nullptr, 0) == 0) {
      buf.resize(len);
      return buf;
    }
    if (errno != ENOMEM) return Error::from_errno("kern.proc read", errno);
  }
  return Error::from_errno("kern.proc read", ENOMEM);
}

/// process_* values from getrusage(2), kern.proc.pid (struct kinfo_proc) and
/// kern.proc.filedesc (packed struct kinfo_file records, each starting with kf_structsize).
Result<ProcessStats> read_process_stats() {
  ProcessStats s;
  struct rusage ru {};
  if (::getrusage(RUSAGE_SELF, &ru) != 0) return Error::from_errno("getrusage", errno);
  s.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;

  auto proc = read_proc_node(KERN_PROC_PID);
  if (!proc) return proc.error().within("process");
  if (proc->size() < sizeof(struct kinfo_proc)) {
    return Error::invalid("process", "kinfo_proc of " + std::to_string(proc->size()) + " bytes");
  }
  struct kinfo_proc kp;
  std::memcpy(&kp, proc->data(), sizeof kp);
  s.resident_memory_bytes = static_cast<std::uint64_t>(kp.ki_rssize) * static_cast<std::uint64_t>(::getpagesize());
  s.virtual_memory_bytes = static_cast<std::uint64_t>(kp.ki_size);
  s.start_time_seconds = static_cast<double>(kp.ki_start.tv_sec) + static_cast<double>(kp.ki_start.tv_usec) / 1e6;

  auto files = read_proc_node(KERN_PROC_FILEDESC);
  if (!files) return files.error().within("process");
  std::uint64_t fds = 0;
  for (std::size_t off = 0; off + offsetof(struct kinfo_file, kf_fd) + sizeof(int) <= files->size();) {
    int structsize = 0, fd = 0;
    std::memcpy(&structsize, files->data() + off + offsetof(struct kinfo_file, kf_structsize), sizeof structsize);
    std::memcpy(&fd, files->data() + off + offsetof(struct kinfo_file, kf_fd), sizeof fd);
    if (structsize <= 0) break;
    if (fd >= 0) ++fds;  // negative kf_fd: cwd, root, jail, text, ctty entries
    off += static_cast<std::size_t>(structsize);
  }
  s.open_fds = fds;

  struct rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    s.max_fds = static_cast<std::uint64_t>(rl.rlim_cur);
  }
  return s;
}

}  // namespace
}  // namespace freebsd

std::unique_ptr<Reader> make_system_reader() {
  freebsd::ReaderOptions options;
  options.process = &freebsd::read_process_stats;
  return freebsd::make_freebsd_reader(std::make_shared<sysctl::SystemSource>(), std::move(options));
}

}  // namespace ifmib::platform
