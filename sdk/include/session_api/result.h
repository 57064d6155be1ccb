#pragma once

// Results of SDK calls: every call returns a value, never throws. A failed call carries the
// HTTP status (0 when no answer arrived), the service's error code and its message.

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace session_api {

// Codes the SDK sets itself when the service gave no usable answer.
inline constexpr const char* kNetworkError = "NETWORK_ERROR";        // connect/transfer failed
inline constexpr const char* kTimeout = "TIMEOUT";                   // the call's time-out passed
inline constexpr const char* kBadResponse = "BAD_RESPONSE";          // an answer we cannot read
inline constexpr const char* kInvalidArgument = "INVALID_ARGUMENT";  // refused before sending

struct Error {
  int http_status = 0;  // 0: no HTTP answer (see the codes above)
  std::string code;     // the service's "error" field, e.g. "TICKET_NOT_FOUND"
  std::string message;  // the service's "message" field, or what went wrong locally
  // How long the service asked the caller to wait before trying again: its `Retry-After`
  // (sent with 429 and some 503 answers) in seconds, an HTTP date turned into seconds from
  // now. Unset when the answer carried none (or no answer came).
  std::optional<int> retry_after_seconds;
};

// A value of type T, or an Error. `http_status()` is the answer's status either way
// (0 when none arrived).
template <typename T>
class Result {
 public:
  Result(T value, int http_status) : value_(std::move(value)), http_status_(http_status) {}
  Result(Error error) : error_(std::move(error)), http_status_(error_.http_status) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  int http_status() const { return http_status_; }

  // Only when ok().
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const { return value(); }

  // Only when !ok().
  const Error& error() const {
    assert(!ok());
    return error_;
  }

 private:
  std::optional<T> value_;
  Error error_;
  int http_status_ = 0;
};

// An empty value for calls that answer nothing worth keeping.
struct Done {};

// Connection settings shared by both clients.
struct ClientOptions {
  // Where the service answers, with the base path if any: "http://127.0.0.1:8080" or
  // "https://api.example.org/dev".
  std::string base_url;
  long connect_timeout_ms = 5000;
  // Time-out of a whole call; long polls add their wait to it.
  long timeout_ms = 10000;
  std::string user_agent = "session-api-sdk/1";
  // Verify the server's TLS certificate (https only). Turn off only against a test server.
  bool verify_tls = true;
  // A CA bundle file, when the system's default is not the right one (e.g. in a game engine).
  std::string ca_file;
};

// GET /health/ready: Done when the service is ready to serve (e.g. before a game server
// registers after a deployment). Any thread.
Result<Done> check_ready(const ClientOptions& options);

}  // namespace session_api
