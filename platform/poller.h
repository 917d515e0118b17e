#pragma once
// Readiness notification for the HTTP server's event loop: epoll on Linux
// (linux/epoll_poller.cpp), kqueue on FreeBSD (freebsd/system/kqueue_poller.cpp); CMake picks the
// OS folder, as for every platform source. Level-triggered: an fd stays reported while it is
// readable or writable and watched for it.

#include <vector>

#include "base/result.h"

namespace ifmib::platform {

/// Thread safety: one thread (the event loop) waits; add() may also be called from other threads
/// (the HTTP server's workers re-register a connection they answered), as epoll_ctl and kevent
/// changes are safe beside a waiting thread. The class keeps no state besides the kernel's.
class Poller {
 public:
  struct Event {
    int fd = -1;
    bool readable = false;  // also set on hang-up and errors, so that the next read reports them
    bool writable = false;
  };

  static Result<Poller> create();
  Poller(Poller&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Poller& operator=(Poller&&) = delete;
  Poller(const Poller&) = delete;
  ~Poller();

  /// Starts watching `fd` for the given directions.
  Status add(int fd, bool read, bool write);
  /// Changes the directions watched (both false: watched for nothing, still registered).
  Status watch(int fd, bool read, bool write);
  /// Stops watching `fd` (call before closing it).
  void remove(int fd);
  /// Waits up to `timeout_ms` (-1: no limit) and fills `events`; EINTR gives no events.
  Status wait(std::vector<Event>& events, int timeout_ms);

 private:
  explicit Poller(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace ifmib::platform
