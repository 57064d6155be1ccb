#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "base/status.h"

namespace sapi {

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "a Result built from a Status must carry an error");
  }

  bool ok() const { return value_.has_value(); }
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
  std::optional<T> value_;
  Status status_;
};

}  // namespace sapi

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define SAPI_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::sapi::Status sapi_status_ = (expr);     \
    if (!sapi_status_.ok()) return sapi_status_; \
  } while (0)
