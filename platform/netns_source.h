#pragma once
// Network stacks other than the exporter's own: Linux network namespaces (VNET jails would be the
// FreeBSD analogue; see docs/freebsd.md). Listing them, and reading one with the ordinary Reader
// from inside it.

#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/reader.h"
#include "base/result.h"

namespace ifmib::platform {

/// One network stack the exporter may read.
struct NetworkNamespace {
  std::string label;       // "" for the exporter's own; the name under /run/netns; "inode:<n>" if unnamed
  std::uint64_t inode = 0;  // nsfs inode number (what `readlink /proc/PID/ns/net` shows in brackets)
  std::string process;     // name (comm) of one process inside an unnamed namespace; empty otherwise
  std::string path;        // what to open to enter it: /run/netns/<name> or /proc/<pid>/ns/net
  bool own = false;        // the exporter's own namespace (read without entering anything)

  bool operator==(const NetworkNamespace&) const = default;
};

/// What one listing found.
struct NamespaceList {
  std::vector<NetworkNamespace> namespaces;  // own first, then named (by name), then unnamed (by inode)
  /// Processes whose namespace could not be looked at (EACCES on /proc/<pid>/ns/net: that needs
  /// CAP_SYS_PTRACE). Unnamed namespaces held only by such processes are missing from the list.
  int unreadable_processes = 0;

  bool operator==(const NamespaceList&) const = default;
};

/// Why entering a namespace failed, from the Error's errno.
enum class NamespaceFailure { vanished, permission, other };
inline NamespaceFailure classify_namespace_error(const Error& error) {
  if (error.sys_errno == ENOENT || error.sys_errno == ESRCH) return NamespaceFailure::vanished;
  if (error.sys_errno == EPERM || error.sys_errno == EACCES) return NamespaceFailure::permission;
  return NamespaceFailure::other;
}

/// Thread safety: every method may be called from several threads at once.
class NamespaceSource {
 public:
  virtual ~NamespaceSource() = default;

  /// Every namespace visible now, the exporter's own included.
  virtual Result<NamespaceList> list() = 0;

  /// Runs `work` with a Reader whose kernel reads (netlink sockets, procfs network files, ioctls)
  /// happen inside `ns`, on a short-lived thread of its own; the calling thread never changes
  /// namespace. Blocks until `work` returns. Fails without running `work` when `ns` is gone
  /// (ENOENT/ESRCH: see classify_namespace_error) or may not be entered (EPERM/EACCES).
  virtual Status run_inside(const NetworkNamespace& ns, const std::function<void(Reader&)>& work) = 0;

  /// Ok when this process may enter other namespaces; otherwise the Error says why not.
  virtual Status check_access() = 0;
};

/// The source for the OS this binary was built for; defined once in platform/<os>/.
std::unique_ptr<NamespaceSource> make_system_namespace_source();

}  // namespace ifmib::platform
