// Status and StatusOr: errors as values.
//
// A Status is either OK or carries a code and a message. The codes are few
// and each one tells the caller what to do next; the message is for humans.
// OK costs nothing (no allocation). No exception crosses a module boundary.
// A Status must be looked at: dropping one is a compile error, and the rare
// call whose failure changes nothing says so with IgnoreError() and a reason.
#ifndef EDGELOG_AGENT_BASE_STATUS_H_
#define EDGELOG_AGENT_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace edgelog {

enum class Code {
  kOk = 0,
  kNotFound,          // the file, key or resource does not exist
  kInvalidArgument,   // bad input: fix the input, retrying will not help
  kIoError,           // the OS refused an operation (EIO, EACCES, ...)
  kNoSpace,           // the disk is full (ENOSPC, EDQUOT)
  kCorruption,        // stored data failed a check
  kUnavailable,       // transient: try again later
  kAlreadyExists,     // the thing being created is there already
  kPermissionDenied,  // credentials or file permissions refused
  kBusy,              // held by someone else (a lock)
  kFailedPrecondition,  // the state is not what the call requires (a file changed)
};

// Returns a short lower-case name for `code`, e.g. "not found".
const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status InvalidArgument(std::string m) {
    return {Code::kInvalidArgument, std::move(m)};
  }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status NoSpace(std::string m) { return {Code::kNoSpace, std::move(m)}; }
  static Status Corruption(std::string m) {
    return {Code::kCorruption, std::move(m)};
  }
  static Status Unavailable(std::string m) {
    return {Code::kUnavailable, std::move(m)};
  }
  static Status AlreadyExists(std::string m) {
    return {Code::kAlreadyExists, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {Code::kPermissionDenied, std::move(m)};
  }
  static Status Busy(std::string m) { return {Code::kBusy, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {Code::kFailedPrecondition, std::move(m)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK", or "<code name>: <message>".
  std::string ToString() const;

  // Drops this status on purpose; the caller says why in a comment.
  void IgnoreError() const {}

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit
    assert(!status_.ok() && "StatusOr needs a value or an error");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace edgelog

// Returns early from the enclosing function when `expr` is not OK.
#define EDGELOG_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::edgelog::Status edgelog_status_ = (expr);  \
    if (!edgelog_status_.ok()) return edgelog_status_; \
  } while (0)

#endif  // EDGELOG_AGENT_BASE_STATUS_H_
