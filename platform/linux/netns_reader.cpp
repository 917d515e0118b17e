// Reading another network namespace: a short-lived thread enters it with setns(2) and runs the
// ordinary Linux reader there. Netlink and ioctl sockets belong to the namespace of the thread
// that creates them, and /proc/thread-self/net shows that thread's namespace (/proc/net follows
// /proc/self, the thread group leader, which never moves). The thread exits afterwards, so no
// thread of the process is ever left in a foreign namespace, and the reader of a namespace keeps
// no socket or fd of it between scrapes: each pins the namespace, so after `ip netns del` it
// (and every interface in it, such as the peer end of a veth pair) would live on until the next
// listing pruned the reader.

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "platform/linux/unique_fd.h"
#include "platform/linux/linux_reader.h"
#include "platform/linux/netns_list.h"
#include "platform/netns_source.h"

namespace ifmib::platform {

namespace {

using Fd = ::ifmib::platform::UniqueFd;

Result<int> open_namespace(const std::string& path) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Error::from_errno("open " + path, errno);
  return fd;
}

// Runs `work` on a new thread that first joins the namespace behind `ns_fd`.
Status on_thread_inside(int ns_fd, const std::string& path, const std::function<void()>& work) {
  Status status = ok_status();
  std::thread thread([&] {
    if (::setns(ns_fd, CLONE_NEWNET) != 0) {
      status = Error::from_errno("setns " + path, errno);
      return;
    }
    try {
      work();
    } catch (const std::exception& e) {
      status = Error::invalid("in namespace " + path, std::string("unexpected exception: ") + e.what());
    }
  });
  thread.join();
  return status;
}

class LinuxNamespaceSource final : public NamespaceSource {
 public:
  Result<NamespaceList> list() override {
    auto listed = netns::list_namespaces();
    if (!listed) return listed;
    // Forget the readers (and their ethtool caches) of namespaces that are gone.
    std::set<std::uint64_t> present;
    for (const auto& ns : listed->namespaces) present.insert(ns.inode);
    std::lock_guard lock(mu_);
    std::erase_if(readers_, [&](const auto& entry) { return !present.count(entry.first); });
    return listed;
  }

  Status run_inside(const NetworkNamespace& ns, const std::function<void(Reader&)>& work) override {
    auto opened = open_namespace(ns.path);
    if (!opened) return opened.error();
    const Fd fd(*opened);
    // /proc/<pid>/ns/net may now be another process's (pid reused): check it is still the one listed.
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return Error::from_errno("fstat " + ns.path, errno);
    if (static_cast<std::uint64_t>(st.st_ino) != ns.inode) {
      return Error{"open " + ns.path, ENOENT, "now a different namespace"};
    }
    const std::shared_ptr<Reader> reader = reader_for(ns.inode);
    return on_thread_inside(fd.get(), ns.path, [&] { work(*reader); });
  }

  Status check_access() override {
    // Entering the namespace we are already in needs the same CAP_SYS_ADMIN as entering another.
    const std::string path = "/proc/self/ns/net";
    auto opened = open_namespace(path);
    if (!opened) return opened.error();
    const Fd fd(*opened);
    return on_thread_inside(fd.get(), path, [] {});
  }

 private:
  // One reader per namespace: its ethtool cache is keyed by ifindex, which is per namespace (and
  // holds only what the ioctls answered; each query opens and closes its own socket). No link
  // announcement subscription: that socket would outlive the scrape and keep the namespace alive,
  // so a send-queue-only scrape here names its queues from a link dump of its own.
  std::shared_ptr<Reader> reader_for(std::uint64_t inode) {
    std::lock_guard lock(mu_);
    auto& reader = readers_[inode];
    if (!reader) {
      LinuxSource source;
      source.link_events = nullptr;
      reader = make_linux_reader("/proc/thread-self/net", std::move(source));
    }
    return reader;
  }

  std::mutex mu_;
  std::map<std::uint64_t, std::shared_ptr<Reader>> readers_;  // by namespace inode; guarded by mu_
};

}  // namespace

std::unique_ptr<NamespaceSource> make_system_namespace_source() { return std::make_unique<LinuxNamespaceSource>(); }

}  // namespace ifmib::platform
