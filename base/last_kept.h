#pragma once
// The last thing a scrape made, kept for the next scrape to reuse (a memo): the Linux reader's
// multicast snapshot and the bytes it came from, the multicast collector's families, the
// interface MIB's label text. Scrapes may run at once: a reader takes a shared reference, which
// stays valid while another scrape replaces the value whole; the one that keeps last wins.

#include <memory>
#include <mutex>
#include <utility>

namespace ifmib {

template <class T>
class LastKept {
 public:
  /// The value kept last, or null before the first.
  std::shared_ptr<const T> get() const {
    std::lock_guard lock(mu_);
    return last_;
  }
  void keep(std::shared_ptr<const T> made) {
    std::lock_guard lock(mu_);
    last_ = std::move(made);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const T> last_;
};

}  // namespace ifmib
