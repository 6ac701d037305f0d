// Copyright (c) the Ferry authors.
//
// Result<T>: a value or a non-OK Status. Factories return
// Result<std::unique_ptr<T>>. Accessing value() of a failed Result is a bug
// (it aborts in debug builds).
//
// Thread safety: as for T.

#ifndef FERRY_RESULT_H_
#define FERRY_RESULT_H_

#include <cassert>
#include <optional>
#include <utility>

#include "ferry/status.h"

namespace ferry {

template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok()
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit
    assert(!status_.ok());
  }
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
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

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ferry

// Returns early from the enclosing function with the Status of `expr` if it
// is not OK.
#define FERRY_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::ferry::Status _ferry_s = (expr);       \
    if (!_ferry_s.ok()) return _ferry_s;     \
  } while (0)

#define FERRY_CONCAT_INNER(a, b) a##b
#define FERRY_CONCAT(a, b) FERRY_CONCAT_INNER(a, b)

// Declares `lhs` from the value of the Result `rexpr`, or returns its Status.
#define FERRY_ASSIGN_OR_RETURN(lhs, rexpr)                         \
  auto FERRY_CONCAT(_ferry_r, __LINE__) = (rexpr);                 \
  if (!FERRY_CONCAT(_ferry_r, __LINE__).ok())                      \
    return FERRY_CONCAT(_ferry_r, __LINE__).status();              \
  lhs = std::move(FERRY_CONCAT(_ferry_r, __LINE__)).value()

#endif  // FERRY_RESULT_H_
