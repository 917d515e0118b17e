#pragma once
// The one door from collectors to the operating system.

#include <memory>
#include <vector>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform {

/// Reads fresh snapshots from the kernel on every call.
/// Thread safety: implementations are re-entrant (a socket per call, no shared mutable state
/// except internally synchronised caches), because two scrapes may run at once.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual Result<std::vector<Interface>> interfaces() = 0;
  /// Send queues; SendQueue::queues only when `query.per_queue` (readers may leave it empty
  /// otherwise, and skip the reads that only it needs).
  virtual Result<std::vector<SendQueue>> send_queues(const SendQueueQuery& query) = 0;
  /// Send queues, resolving interface names and limits from `interfaces` already read in the
  /// same scrape, where the OS reports queues apart from interfaces (Linux: one link dump per
  /// scrape instead of two). The default ignores the hint.
  virtual Result<std::vector<SendQueue>> send_queues_of(const std::vector<Interface>& interfaces,
                                                        const SendQueueQuery& query) {
    (void)interfaces;
    return send_queues(query);
  }
  virtual Result<MulticastSnapshot> multicast(const MulticastQuery& query) = 0;
  virtual Result<ProcessStats> process() = 0;

  /// Problems met by earlier calls that did not fail them (an interface row that could not be
  /// decoded and was skipped, while the others were served), oldest first, each returned once.
  /// Platform code does not log: the caller (the scrape) logs these. Thread-safe.
  virtual std::vector<Error> take_notes() { return {}; }
};

/// The reader for the OS this binary was built for; defined once in platform/<os>/.
std::unique_ptr<Reader> make_system_reader();

}  // namespace ifmib::platform
