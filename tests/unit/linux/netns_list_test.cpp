// Which sightings of namespace files are distinct namespaces, and what they are called.

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "platform/linux/netns_list.h"

using namespace ifmib;
using namespace ifmib::platform;
using netns::NsId;

namespace {
constexpr std::uint64_t kNsfs = 4;  // st_dev of nsfs
}

TEST_CASE("netns list: own first, named by name, unnamed by inode with a process name") {
  int comm_calls = 0;
  const auto out = netns::merge_sightings(
      NsId{kNsfs, 100},
      {{"zeta", {kNsfs, 300}, "/run/netns/zeta"},
       {"alpha", {kNsfs, 200}, "/run/netns/alpha"},
       {"stale", {27, 999}, "/run/netns/stale"},    // a leftover file on tmpfs, not a bind mount
       {"host", {kNsfs, 100}, "/run/netns/host"},   // a name for the exporter's own namespace
       {"alias", {kNsfs, 200}, "/run/netns/alias"}},  // a second name of alpha
      {{1, {kNsfs, 100}, "/proc/1/ns/net"},
       {900, {kNsfs, 500}, "/proc/900/ns/net"},
       {42, {kNsfs, 500}, "/proc/42/ns/net"},
       {43, {kNsfs, 400}, "/proc/43/ns/net"},
       {44, {kNsfs, 300}, "/proc/44/ns/net"}},  // inside the named zeta
      [&](int pid) {
        ++comm_calls;
        return "p" + std::to_string(pid);
      });
  REQUIRE(out.size() == 5);
  CHECK(out[0] == NetworkNamespace{"", 100, "", "", true});
  CHECK(out[1] == NetworkNamespace{"alias", 200, "", "/run/netns/alias", false});
  CHECK(out[2] == NetworkNamespace{"zeta", 300, "", "/run/netns/zeta", false});
  CHECK(out[3] == NetworkNamespace{"inode:400", 400, "p43", "/proc/43/ns/net", false});
  CHECK(out[4] == NetworkNamespace{"inode:500", 500, "p42", "/proc/42/ns/net", false});
  CHECK(comm_calls == 2);
}

TEST_CASE("netns list: a fake /run/netns and /proc of symlinks to this process's namespace") {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("ifmib-netns-list-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "run");
  fs::create_directories(root / "proc/self/ns");
  fs::create_directories(root / "proc/77/ns");
  fs::create_directories(root / "proc/78");  // exited: no ns/net
  fs::create_directories(root / "proc/sys");
  fs::create_symlink("/proc/self/ns/net", root / "proc/self/ns/net");
  fs::create_symlink("/proc/self/ns/net", root / "proc/77/ns/net");
  fs::create_symlink("/proc/self/ns/net", root / "run/same-as-own");
  std::ofstream(root / "run/leftover") << "";

  auto listed = netns::list_namespaces((root / "run").string(), (root / "proc").string());
  REQUIRE_MESSAGE(listed.ok(), (listed.ok() ? "" : listed.error().text()));
  struct stat st {};
  REQUIRE(::stat("/proc/self/ns/net", &st) == 0);
  REQUIRE(listed->namespaces.size() == 1);
  CHECK(listed->namespaces[0].own);
  CHECK(listed->namespaces[0].inode == static_cast<std::uint64_t>(st.st_ino));
  CHECK(listed->unreadable_processes == 0);

  auto missing = netns::list_namespaces((root / "no-such-run").string(), (root / "no-such-proc").string());
  CHECK_FALSE(missing.ok());
  fs::remove_all(root);
}

TEST_CASE("netns errors: vanished, permission and other are told apart by errno") {
  CHECK(classify_namespace_error(Error::from_errno("open", ENOENT)) == NamespaceFailure::vanished);
  CHECK(classify_namespace_error(Error::from_errno("open", ESRCH)) == NamespaceFailure::vanished);
  CHECK(classify_namespace_error(Error::from_errno("setns", EPERM)) == NamespaceFailure::permission);
  CHECK(classify_namespace_error(Error::from_errno("open", EACCES)) == NamespaceFailure::permission);
  CHECK(classify_namespace_error(Error::from_errno("setns", EINVAL)) == NamespaceFailure::other);
}
