#pragma once
// Finding Linux network namespaces: the named ones (`ip netns add` bind-mounts them under
// /run/netns) and the unnamed ones, seen only through /proc/<pid>/ns/net of a process inside.
// The fetching half (directory walks, stat) is list_namespaces(); the deciding half, which
// sightings are distinct namespaces and what each is called, is merge_sightings() on plain values.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "platform/netns_source.h"
#include "base/result.h"

namespace ifmib::platform::netns {

/// Identity of a namespace file: st_dev and st_ino of the nsfs inode it resolves to.
struct NsId {
  std::uint64_t dev = 0, inode = 0;
  bool operator==(const NsId&) const = default;
};

/// A file under /run/netns and what stat(2) says it is (a leftover file that is no longer a
/// bind mount has the tmpfs device, not nsfs's, and is ignored).
struct NamedSighting {
  std::string name;
  NsId id;
  std::string path;  // e.g. /run/netns/blue
};

/// One process's /proc/<pid>/ns/net.
struct ProcessSighting {
  int pid = 0;
  NsId id;
  std::string path;  // e.g. /proc/4242/ns/net
};

/// The distinct namespaces among the sightings: `own` first (label ""), then each named one not
/// equal to own (label = name; sorted by name; a namespace with two names appears under the first),
/// then each namespace seen only through processes (label "inode:<n>", path of the lowest pid,
/// process name from `comm(pid)`, called once per such namespace; sorted by inode).
std::vector<NetworkNamespace> merge_sightings(const NsId& own, std::vector<NamedSighting> named,
                                              std::vector<ProcessSighting> processes,
                                              const std::function<std::string(int pid)>& comm);

/// Walks `run_netns_dir` (usually /run/netns; absent means no named namespaces) and every
/// numeric directory of `proc_dir` (usually /proc). Processes that exit during the walk are
/// skipped; EACCES on a process's ns/net is counted in unreadable_processes. Fails only when the
/// exporter's own namespace (proc_dir/self/ns/net) cannot be stat'ed.
/// Thread safety: re-entrant (no shared state).
Result<NamespaceList> list_namespaces(const std::string& run_netns_dir = "/run/netns",
                                      const std::string& proc_dir = "/proc");

}  // namespace ifmib::platform::netns
