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
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_bridgevar.h>
#include <net/if_lagg.h>
#include <net/if_media.h>
#include <net/if_vlan_var.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
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
    if (!copy_name(name, req.ifm_name)) return Error::invalid("SIOCGIFMEDIA", "interface name length");
    // ifm_count 0, ifm_ulist NULL: the words only.
    if (Status done = interface_ioctl(SIOCGIFMEDIA, &req, "SIOCGIFMEDIA"); !done) return done.error();
    return bytes_of(req);
  }

  Result<BufferReply> lagg_ports(std::string_view name, std::size_t buffer_bytes) override {
    // As sbin/ifconfig/iflagg.c lagg_status: ra_size and ra_port describe our buffer.
    lagg_reqall ra{};
    if (!copy_name(name, ra.ra_ifname)) return Error::invalid("SIOCGLAGG", "interface name length");
    BufferReply reply;
    reply.buffer.assign(buffer_bytes, 0);
    ra.ra_size = buffer_bytes;
    ra.ra_port = reinterpret_cast<lagg_reqport*>(reply.buffer.data());
    if (Status done = interface_ioctl(SIOCGLAGG, &ra, "SIOCGLAGG"); !done) return done.error();
    reply.request = bytes_of(ra);
    return reply;
  }

  Result<std::vector<std::uint8_t>> vlan(std::string_view name) override {
    // As sbin/ifconfig/ifvlan.c getvlan: ifr_data points to the struct vlanreq. if_vlan.c copies
    // out the kernel's sizeof(struct vlanreq), which is larger than these headers' once vlr_proto
    // exists, hence a buffer with room to spare.
    static constexpr std::size_t kRoom = 64;
    static_assert(sizeof(struct vlanreq) <= kRoom);
    ifreq ifr{};
    if (!copy_name(name, ifr.ifr_name)) return Error::invalid("SIOCGETVLAN", "interface name length");
    std::vector<std::uint8_t> buffer(kRoom, 0);
    ifr.ifr_data = reinterpret_cast<caddr_t>(buffer.data());
    if (Status done = interface_ioctl(SIOCGETVLAN, &ifr, "SIOCGETVLAN"); !done) return done.error();
    return buffer;
  }

  Result<BufferReply> bridge_members(std::string_view name, std::size_t buffer_bytes) override {
    // As sbin/ifconfig/ifbridge.c do_cmd(BRDGGIFS): if_bridge.c bridge_ioctl insists that ifd_len
    // is sizeof(struct ifbifconf). Only ever sent to a bridge: another driver's SIOCGDRVSPEC would
    // read ifd_cmd 6 as a command of its own.
    if (buffer_bytes == 0 || buffer_bytes > UINT32_MAX) return Error::invalid("BRDGGIFS", "buffer size");
    ifbifconf bifc{};
    BufferReply reply;
    reply.buffer.assign(buffer_bytes, 0);
    bifc.ifbic_len = static_cast<uint32_t>(buffer_bytes);
    bifc.ifbic_buf = reinterpret_cast<caddr_t>(reply.buffer.data());
    ifdrv ifd{};
    if (!copy_name(name, ifd.ifd_name)) return Error::invalid("BRDGGIFS", "interface name length");
    ifd.ifd_cmd = BRDGGIFS;
    ifd.ifd_len = sizeof bifc;
    ifd.ifd_data = &bifc;
    if (Status done = interface_ioctl(SIOCGDRVSPEC, &ifd, "SIOCGDRVSPEC BRDGGIFS"); !done) return done.error();
    reply.request = bytes_of(bifc);
    return reply;
  }

 private:
  // NUL-terminated into a char[IFNAMSIZ]; false when it does not fit.
  template <std::size_t N>
  static bool copy_name(std::string_view name, char (&field)[N]) {
    if (name.empty() || name.size() >= N) return false;
    std::memcpy(field, name.data(), name.size());
    return true;
  }

  template <class T>
  static std::vector<std::uint8_t> bytes_of(const T& value) {
    std::vector<std::uint8_t> bytes(sizeof value);
    std::memcpy(bytes.data(), &value, sizeof value);
    return bytes;
  }

  // One interface ioctl on a socket of its own: readers are re-entrant, and this costs one
  // socket/ioctl/close per call, made only for the interfaces that need it.
  static Status interface_ioctl(unsigned long request, void* arg, const char* what) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error::from_errno(std::string("socket for ") + what, errno);
    const int rc = ::ioctl(fd, request, arg);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return Error::from_errno(what, err);
    return ok_status();
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
