// Poller over FreeBSD kqueue(2). Read and write are separate filters: both are added with the
// fd and then enabled or disabled, so watch() never has to know which ones exist.

#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <map>

#include "platform/poller.h"

namespace ifmib::platform {

namespace {
Status change(int kq, int fd, bool read, bool write, unsigned short extra) {
  struct kevent changes[2];
  EV_SET(&changes[0], fd, EVFILT_READ, extra | (read ? EV_ENABLE : EV_DISABLE), 0, 0, nullptr);
  EV_SET(&changes[1], fd, EVFILT_WRITE, extra | (write ? EV_ENABLE : EV_DISABLE), 0, 0, nullptr);
  if (kevent(kq, changes, 2, nullptr, 0, nullptr) != 0) return Error::from_errno("kevent", errno);
  return ok_status();
}
}  // namespace

Result<Poller> Poller::create() {
  const int fd = kqueue();
  if (fd < 0) return Error::from_errno("kqueue", errno);
  return Poller(fd);
}

Poller::~Poller() {
  if (fd_ >= 0) close(fd_);
}

Status Poller::add(int fd, bool read, bool write) { return change(fd_, fd, read, write, EV_ADD); }

Status Poller::watch(int fd, bool read, bool write) { return change(fd_, fd, read, write, 0); }

void Poller::remove(int fd) {
  struct kevent changes[2];
  EV_SET(&changes[0], fd, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
  EV_SET(&changes[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
  kevent(fd_, changes, 2, nullptr, 0, nullptr);
}

Status Poller::wait(std::vector<Event>& events, int timeout_ms) {
  events.clear();
  struct kevent ready[256];
  timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
  const int n = kevent(fd_, nullptr, 0, ready, 256, timeout_ms < 0 ? nullptr : &timeout);
  if (n < 0) return errno == EINTR ? ok_status() : Error::from_errno("kevent", errno);
  // One fd can come back twice (read and write filters): merge them into one Event.
  std::map<int, std::size_t> at;
  for (int i = 0; i < n; ++i) {
    const int fd = static_cast<int>(ready[i].ident);
    auto [it, fresh] = at.emplace(fd, events.size());
    if (fresh) events.push_back({fd, false, false});
    Event& e = events[it->second];
    const bool trouble = (ready[i].flags & (EV_EOF | EV_ERROR)) != 0;
    if (ready[i].filter == EVFILT_READ || trouble) e.readable = true;
    if (ready[i].filter == EVFILT_WRITE) e.writable = true;
  }
  return ok_status();
}

}  // namespace ifmib::platform
