#pragma once
// A Reader that serves fixed snapshots (or errors) and counts calls: drives every collector test.

#include <atomic>
#include <memory>
#include <utility>

#include "platform/reader.h"

namespace ifmib::test {

class FakeReader final : public platform::Reader {
 public:
  Result<std::vector<platform::Interface>> interfaces_result = std::vector<platform::Interface>{};
  Result<std::vector<platform::SendQueue>> send_queues_result = std::vector<platform::SendQueue>{};
  Result<platform::MulticastSnapshot> multicast_result = platform::MulticastSnapshot{};
  Result<platform::ProcessStats> process_result = platform::ProcessStats{};
  std::atomic<int> interface_calls{0}, send_queue_calls{0}, send_queues_of_calls{0}, multicast_calls{0};
  platform::MulticastQuery last_query;
  platform::SendQueueQuery last_send_queue_query;

  Result<std::vector<platform::Interface>> interfaces() override {
    ++interface_calls;
    return interfaces_result;
  }
  Result<std::vector<platform::SendQueue>> send_queues(const platform::SendQueueQuery& query) override {
    ++send_queue_calls;
    last_send_queue_query = query;
    return send_queues_result;
  }
  Result<std::vector<platform::SendQueue>> send_queues_of(const std::vector<platform::Interface>&,
                                                          const platform::SendQueueQuery& query) override {
    ++send_queues_of_calls;
    last_send_queue_query = query;
    return send_queues_result;
  }
  Result<platform::MulticastSnapshot> multicast(const platform::MulticastQuery& query) override {
    ++multicast_calls;
    last_query = query;
    return multicast_result;
  }
  /// When set, what shared_multicast() hands out (the same object every call, as a reader whose
  /// bytes did not change); otherwise the default, a new object wrapping multicast().
  std::shared_ptr<const platform::MulticastSnapshot> shared_multicast_result;
  Result<std::shared_ptr<const platform::MulticastSnapshot>> shared_multicast(const platform::MulticastQuery& query) override {
    if (!shared_multicast_result) return platform::Reader::shared_multicast(query);
    ++multicast_calls;
    last_query = query;
    return shared_multicast_result;
  }
  Result<platform::ProcessStats> process() override { return process_result; }

  std::vector<Error> notes;  // handed out once by take_notes()
  std::atomic<int> take_notes_calls{0};
  std::vector<Error> take_notes() override {
    ++take_notes_calls;
    return std::exchange(notes, {});
  }
};

}  // namespace ifmib::test
