#pragma once
// Test hosts in network namespaces that the test creates and always deletes, plus the processes
// it starts there. Tests that need root skip (exit 77) outside CI and fail inside CI.

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/exposition.h"

namespace ifmib::test {

/// Runs `command` with /bin/sh; returns its stdout. Records the exit status in `status`.
std::string run_shell(const std::string& command, int* status = nullptr);

/// Root and `ip netns` are available; otherwise skip the test (exit 77) or, when CI=true, fail it.
void require_netns_or_skip();

/// A uniquely named network namespace with loopback up; deleted (with everything in it) by the
/// destructor, whatever way the test ends.
class Netns {
 public:
  Netns();
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }
  /// Runs `command` inside the namespace; fails the test (REQUIRE) when it exits non-zero.
  std::string sh(const std::string& command) const;
  /// Same, returning the exit status instead of failing.
  int sh_status(const std::string& command, std::string* output = nullptr) const;

 private:
  std::string name_;
};

/// A child process started by the test (inside a namespace, or not); killed by PID and reaped
/// by the destructor unless it already exited.
class Child {
 public:
  /// Starts argv[0] with the given arguments; stdout and stderr go to files under a temp dir.
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  /// Sends `signal` and waits up to `timeout_seconds` for the exit; returns the exit status
  /// (128 + signal when killed), or -1 on timeout.
  int stop(int signal, double timeout_seconds = 10);
  /// Waits for an exit without sending anything; -1 on timeout.
  int wait(double timeout_seconds);
  bool running();
  std::string stderr_text() const;
  std::string stdout_text() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string out_path_, err_path_;
};

/// Waits for the exporter's "listening" log line on `child`'s stderr; returns the port it names.
int wait_for_port(Child& child);

/// The exporter binary under test.
std::string exporter_binary();

/// veth a <-> b in `ns`, 10.9.0.1/24 on a with a permanent neighbour 10.9.0.2 (b), both up, and
/// IPv6 off so that no counter moves unless the test sends something.
void make_veth_pair(const Netns& ns);

/// Sends `packets` UDP datagrams of `payload` bytes from `ns` to 10.9.0.2:9 (out of a).
void send_udp(const Netns& ns, int packets, int payload);

/// Who the exporter runs as in ExporterInNetns.
enum class RunAs { root, nobody };

/// Starts the exporter inside `ns` on 127.0.0.1:`port` with `extra` flags and waits until it answers.
/// RunAs::nobody runs it as uid/gid 65534 with no capabilities (setpriv), from a copy of the
/// binary in a directory anyone may enter (the build tree may sit under one nobody cannot).
class ExporterInNetns {
 public:
  ExporterInNetns(const Netns& ns, int port, const std::vector<std::string>& extra = {}, RunAs user = RunAs::root);
  ~ExporterInNetns();
  ExporterInNetns(const ExporterInNetns&) = delete;
  ExporterInNetns& operator=(const ExporterInNetns&) = delete;
  /// GET `path` from inside the namespace with curl; returns the body, and the status in `status`.
  std::string get(const std::string& path, int* status = nullptr, const std::string& curl_flags = "") const;
  /// GET `path`, REQUIRE status 200 and a body that parses as exposition text.
  Exposition scrape(const std::string& path = "/metrics") const;
  Child& process() { return child_; }

 private:
  const Netns& ns_;
  int port_;
  std::string copy_dir_;  // RunAs::nobody: the temporary directory holding the binary's copy
  Child child_;
};

}  // namespace ifmib::test
