#pragma once
// Answered HTTP requests by status code, for ifmib_exporter_http_requests_total.

#include <cstdint>
#include <map>
#include <mutex>

namespace ifmib::server {

/// Thread-safe. The server records every response it sends, errors of the loop included.
class StatusCounter {
 public:
  void record(int status) {
    std::lock_guard lock(mu_);
    ++by_status_[status];
  }
  std::map<int, std::uint64_t> counts() const {
    std::lock_guard lock(mu_);
    return by_status_;
  }

 private:
  mutable std::mutex mu_;
  std::map<int, std::uint64_t> by_status_;
};

}  // namespace ifmib::server
