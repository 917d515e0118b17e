// Poller over Linux epoll(7).

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>

#include "platform/poller.h"

namespace ifmib::platform {

namespace {
epoll_event event_for(int fd, bool read, bool write) {
  epoll_event e{};
  e.events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
  e.data.fd = fd;
  return e;
}
}  // namespace

Result<Poller> Poller::create() {
  const int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return Error::from_errno("epoll_create1", errno);
  return Poller(fd);
}

Poller::~Poller() {
  if (fd_ >= 0) close(fd_);
}

Status Poller::add(int fd, bool read, bool write) {
  epoll_event e = event_for(fd, read, write);
  if (epoll_ctl(fd_, EPOLL_CTL_ADD, fd, &e) != 0) return Error::from_errno("epoll_ctl add", errno);
  return ok_status();
}

Status Poller::watch(int fd, bool read, bool write) {
  epoll_event e = event_for(fd, read, write);
  if (epoll_ctl(fd_, EPOLL_CTL_MOD, fd, &e) != 0) return Error::from_errno("epoll_ctl mod", errno);
  return ok_status();
}

void Poller::remove(int fd) { epoll_ctl(fd_, EPOLL_CTL_DEL, fd, nullptr); }

Status Poller::wait(std::vector<Event>& events, int timeout_ms) {
  events.clear();
  epoll_event ready[256];
  const int n = epoll_wait(fd_, ready, 256, timeout_ms);
  if (n < 0) return errno == EINTR ? ok_status() : Error::from_errno("epoll_wait", errno);
  for (int i = 0; i < n; ++i) {
    const auto bits = ready[i].events;
    events.push_back({ready[i].data.fd, (bits & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0, (bits & EPOLLOUT) != 0});
  }
  return ok_status();
}

}  // namespace ifmib::platform
