#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace sapi {

// What went wrong, in terms that map onto the API's HTTP errors (see api/error.h).
enum class Code {
  kOk = 0,
  kInvalidArgument,    // 400: the caller sent something malformed
  kUnauthenticated,    // 401: no or bad player credentials
  kPermissionDenied,   // 403: authenticated but not allowed, or a bad signature
  kNotFound,           // 404
  kAlreadyExists,      // 409
  kFailedPrecondition, // 409: the operation does not fit the current state
  kResourceExhausted,  // 413/429: a limit was hit
  kDeadlineExceeded,   // 504
  kUnavailable,        // 503: try again later
  kInternal,           // 500: a bug or an unexpected failure of a dependency
};

std::string_view code_name(Code code);

// Either ok, or a code and a human-readable message. Errors are values: no exceptions
// cross a module boundary.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status not_found(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status permission_denied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Status failed_precondition(std::string m) {
  return {Code::kFailedPrecondition, std::move(m)};
}
inline Status resource_exhausted(std::string m) {
  return {Code::kResourceExhausted, std::move(m)};
}
inline Status unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status internal_error(std::string m) { return {Code::kInternal, std::move(m)}; }

}  // namespace sapi
