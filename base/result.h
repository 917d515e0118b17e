#pragma once
// Errors are values at the platform boundary: readers and collectors return Result<T>
// and never throw, log or exit. (STYLE.md section 5.)

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ifmib {

/// What went wrong, where. `sys_errno` is 0 when no system call failed.
struct Error {
  std::string context;  // outermost first after within(), e.g. "send_queue: RTM_GETQDISC dump"
  int sys_errno = 0;
  std::string detail;

  static Error from_errno(std::string context, int err) { return Error{std::move(context), err, {}}; }
  static Error invalid(std::string context, std::string detail) {
    return Error{std::move(context), 0, std::move(detail)};
  }

  /// The same error seen from an enclosing step ("outer: inner ...").
  Error within(std::string_view outer) const {
    Error e = *this;
    e.context = std::string(outer) + (context.empty() ? "" : ": " + context);
    return e;
  }

  std::string text() const {
    std::string out = context;
    if (sys_errno != 0) out += (out.empty() ? "" : ": ") + std::string(std::strerror(sys_errno));
    if (!detail.empty()) out += (out.empty() ? "" : ": ") + detail;
    return out;
  }

  bool operator==(const Error&) const = default;
};

/// Either a value or an Error. A small stand-in for C++23 std::expected.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like std::expected
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Success without a value.
using Status = Result<std::monostate>;
inline Status ok_status() { return Status(std::monostate{}); }

}  // namespace ifmib
