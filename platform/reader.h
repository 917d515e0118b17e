#pragma once
// The one door from collectors to the operating system.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

#include "base/result.h"
#include "platform/snapshot.h"

namespace ifmib::platform {

/// The reads a Reader makes, one per method a collector may call. Collectors declare the ones
/// they need (collector/registry.cpp) so that a scrape makes only those, each once: e.g. a
/// send-queue-only scrape reads no interfaces, and Linux then needs no link dump.
enum class Read : std::uint8_t {
  interfaces = 1 << 0,   // interfaces()
  send_queues = 1 << 1,  // send_queues() / send_queues_of()
  multicast = 1 << 2,    // multicast()
};

/// A set of Read values.
class Reads {
 public:
  constexpr Reads() = default;
  constexpr Reads(std::initializer_list<Read> reads) {
    for (Read r : reads) bits_ |= static_cast<std::uint8_t>(r);
  }
  constexpr bool has(Read r) const { return (bits_ & static_cast<std::uint8_t>(r)) != 0; }
  constexpr Reads operator|(Reads other) const { return Reads(static_cast<std::uint8_t>(bits_ | other.bits_)); }
  constexpr bool operator==(const Reads&) const = default;

 private:
  constexpr explicit Reads(std::uint8_t bits) : bits_(bits) {}
  std::uint8_t bits_ = 0;
};

/// Reads fresh snapshots from the kernel on every call.
/// Thread safety: implementations are re-entrant (a socket per call, no shared mutable state
/// except internally synchronised caches), because two scrapes may run at once.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual Result<std::vector<Interface>> interfaces() = 0;
  /// interfaces() for callers that only read them, shared instead of copied: a scrape hands the
  /// one list it read to every collector that wants it (collector/scrape.cpp; at 1000 interfaces
  /// a copy of the list was a hundredth of a full scrape). The default wraps interfaces().
  virtual Result<std::shared_ptr<const std::vector<Interface>>> shared_interfaces() {
    auto read = interfaces();
    if (!read) return read.error();
    return std::make_shared<const std::vector<Interface>>(std::move(*read));
  }
  /// Send queues; SendQueue::queues only when `query.per_queue` (readers may leave it empty
  /// otherwise, and skip the reads that only it needs). For a scrape that reads no interfaces:
  /// a reader should name the queues at less cost than interfaces() (Linux: a name cache kept
  /// current by the kernel's link announcements, no link dump).
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
  /// multicast() for callers that only read it, shared instead of copied. A reader may hand out
  /// the snapshot it made for an earlier call when every byte it read for this one was the same
  /// (Linux: multicast_memo.h): the same object then means the same kernel state, and a caller
  /// may keep what it derived from it. The default wraps multicast(), a new object every call.
  virtual Result<std::shared_ptr<const MulticastSnapshot>> shared_multicast(const MulticastQuery& query) {
    auto read = multicast(query);
    if (!read) return read.error();
    return std::make_shared<const MulticastSnapshot>(std::move(*read));
  }
  virtual Result<ProcessStats> process() = 0;

  /// Problems met by earlier calls that did not fail them (an interface row that could not be
  /// decoded and was skipped, while the others were served), oldest first, each returned once.
  /// Platform code does not log: the caller (the scrape) logs these. Thread-safe.
  virtual std::vector<Error> take_notes() { return {}; }
};

/// The reader for the OS this binary was built for; defined once in platform/<os>/.
std::unique_ptr<Reader> make_system_reader();

}  // namespace ifmib::platform
