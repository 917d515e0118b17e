#pragma once
// The reply messages of one netlink dump, back to back: a byte buffer that grows without
// zero-filling, so that the socket code receives each datagram straight into it
// (netlink_socket.cpp) instead of into a receive buffer it then copies from. At 1000 interfaces
// that copy moved the 1.5 MB link dump once more per scrape, a sixtieth of a collect[]=ifmib
// scrape (perf). A std::vector<std::uint8_t> cannot grow without writing every new byte.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

namespace ifmib::platform::netlink {

class DumpBytes {
 public:
  DumpBytes() = default;
  /// A copy of `bytes` (recorded dumps, tests).
  explicit DumpBytes(std::span<const std::uint8_t> bytes) { append(bytes); }
  DumpBytes(const DumpBytes& other) : DumpBytes(std::span<const std::uint8_t>(other)) { messages_ = other.messages_; }
  DumpBytes& operator=(const DumpBytes& other) {
    if (this != &other) *this = DumpBytes(other);
    return *this;
  }
  DumpBytes(DumpBytes&& other) noexcept
      : data_(std::move(other.data_)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)),
        messages_(std::exchange(other.messages_, 0)) {}
  DumpBytes& operator=(DumpBytes&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    messages_ = std::exchange(other.messages_, 0);
    return *this;
  }

  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::uint8_t* begin() const { return data(); }
  const std::uint8_t* end() const { return data() + size_; }
  // NOLINTNEXTLINE(google-explicit-constructor): the parsers take spans; a dump is one.
  operator std::span<const std::uint8_t>() const { return {data(), size_}; }

  /// Room for `bytes` in all, so that filling it does not reallocate. A hint only.
  void reserve(std::size_t bytes) {
    if (bytes > capacity_) reallocate(bytes);
  }
  void append(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    std::memcpy(room(bytes.size()), bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  /// `bytes` of uninitialised room after the end (the buffer grows, doubling, if it must): write
  /// into it, then keep what was written with commit().
  std::uint8_t* room(std::size_t bytes) {
    if (capacity_ - size_ < bytes) reallocate(std::max(size_ + bytes, capacity_ * 2));
    return data_.get() + size_;
  }
  /// Keeps `bytes` of the room room() gave, then zeros up to the next multiple of `align`.
  void commit(std::size_t bytes, std::size_t align = 1) {
    size_ += bytes;
    const std::size_t padded = (size_ + align - 1) / align * align;
    if (padded != size_) {
      std::memset(room(padded - size_), 0, padded - size_);
      size_ = padded;
    }
  }

  /// How many messages the bytes hold, as counted by whoever filled them (the socket code counts
  /// them while each datagram is in cache, so that a parser need not walk a cold megabyte first
  /// to size its rows); 0 when nobody counted.
  std::size_t message_count() const { return messages_; }
  void add_message_count(std::size_t messages) { messages_ += messages; }

  friend bool operator==(const DumpBytes& a, std::span<const std::uint8_t> b) {
    return a.size_ == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  void reallocate(std::size_t capacity) {
    std::unique_ptr<std::uint8_t[]> bigger(new std::uint8_t[capacity]);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::size_t messages_ = 0;
};

}  // namespace ifmib::platform::netlink
