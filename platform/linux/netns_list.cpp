#include "platform/linux/netns_list.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <set>

#include "platform/linux/procfs_file.h"

namespace ifmib::platform::netns {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

bool numeric(const char* name) {
  if (*name == '\0') return false;
  for (const char* p = name; *p; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  return true;
}

std::string process_name(const std::string& proc_dir, int pid) {
  auto text = procfs::read_proc_file(proc_dir + "/" + std::to_string(pid) + "/comm");
  if (!text) return {};
  std::string name = std::move(*text);
  while (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

}  // namespace

std::vector<NetworkNamespace> merge_sightings(const NsId& own, std::vector<NamedSighting> named,
                                              std::vector<ProcessSighting> processes,
                                              const std::function<std::string(int pid)>& comm) {
  std::vector<NetworkNamespace> out;
  out.push_back(NetworkNamespace{"", own.inode, "", "", true});

  // Inodes are unique only within one nsfs device; every real namespace file is on own.dev.
  std::set<std::uint64_t> seen{own.inode};
  std::sort(named.begin(), named.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& n : named) {
    if (n.id.dev != own.dev || !seen.insert(n.id.inode).second) continue;
    out.push_back(NetworkNamespace{n.name, n.id.inode, "", n.path, false});
  }

  std::sort(processes.begin(), processes.end(), [](const auto& a, const auto& b) { return a.pid < b.pid; });
  std::map<std::uint64_t, const ProcessSighting*> unnamed;  // inode -> its lowest pid
  for (const auto& p : processes) {
    if (p.id.dev != own.dev || seen.count(p.id.inode)) continue;
    unnamed.emplace(p.id.inode, &p);
  }
  for (const auto& [inode, p] : unnamed) {
    out.push_back(NetworkNamespace{"inode:" + std::to_string(inode), inode, comm(p->pid), p->path, false});
  }
  return out;
}

Result<NamespaceList> list_namespaces(const std::string& run_netns_dir, const std::string& proc_dir) {
  struct stat st {};
  const std::string own_path = proc_dir + "/self/ns/net";
  if (::stat(own_path.c_str(), &st) != 0) return Error::from_errno("stat " + own_path, errno);
  const NsId own{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};

  std::vector<NamedSighting> named;
  if (std::unique_ptr<DIR, DirCloser> dir(::opendir(run_netns_dir.c_str())); dir) {
    while (const dirent* e = ::readdir(dir.get())) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (::stat((run_netns_dir + "/" + name).c_str(), &st) != 0) continue;  // deleted meanwhile
      named.push_back({name, {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)},
                       run_netns_dir + "/" + name});
    }
  }

  NamespaceList list;
  std::vector<ProcessSighting> processes;
  std::unique_ptr<DIR, DirCloser> proc(::opendir(proc_dir.c_str()));
  if (!proc) return Error::from_errno("opendir " + proc_dir, errno);
  while (const dirent* e = ::readdir(proc.get())) {
    if (!numeric(e->d_name)) continue;
    const std::string path = proc_dir + "/" + e->d_name + "/ns/net";
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == EACCES || errno == EPERM) ++list.unreadable_processes;
      continue;  // ENOENT/ESRCH: the process exited; kernel threads have an ns/net too, so no other case
    }
    processes.push_back({std::stoi(e->d_name),
                         {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)}, path});
  }
  list.namespaces = merge_sightings(own, std::move(named), std::move(processes),
                                    [&](int pid) { return process_name(proc_dir, pid); });
  return list;
}

}  // namespace ifmib::platform::netns
