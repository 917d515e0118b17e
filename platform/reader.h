#pragma once
// The one door from collectors to the operating system.

#include <memory>
#include <vector>

#include "platform/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform {

/// Reads fresh snapshots from the kernel on every call.
/// Thread safety: implementations are re-entrant (a socket per call, no shared mutable state
/// except internally synchronised caches), because two scrapes may run at once.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual Result<std::vector<Interface>> interfaces() = 0;
  virtual Result<std::vector<SendQueue>> send_queues() = 0;
  virtual Result<MulticastSnapshot> multicast(const MulticastQuery& query) = 0;
  virtual Result<ProcessStats> process() = 0;
};

/// The reader for the OS this binary was built for; defined once in platform/<os>/.
std::unique_ptr<Reader> make_system_reader();

}  // namespace ifmib::platform
