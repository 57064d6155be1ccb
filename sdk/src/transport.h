#pragma once

// HTTP over libcurl for both clients (internal). One easy handle per call in flight, kept in
// a pool afterwards so that its connection is reused.

#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "session_api/result.h"

namespace session_api {

struct HttpRequest {
  std::string method = "GET";
  std::string path;   // below the base path, percent-encoded, starting with '/'
  std::string query;  // without '?'
  std::string body;   // sent as application/json when not empty
  std::vector<std::pair<std::string, std::string>> headers;
  long extra_timeout_ms = 0;  // added to ClientOptions::timeout_ms (long polls)
  bool no_timeout = false;    // streams: only `should_stop` and the connect time-out end it
  // Streaming: receives the body of a 2xx answer as it arrives instead of HttpResponse::body
  // (other answers' bodies still go there); returning false stops the transfer.
  std::function<bool(const char*, size_t)> on_data;
  // Polled while waiting; true aborts the transfer.
  std::function<bool()> should_stop;
};

struct HttpResponse {
  int status = 0;  // 0: no answer
  std::string body;
  std::string content_type;
  bool stopped = false;                    // ended by on_data or should_stop
  Error error;                             // set when status == 0 and !stopped
  std::optional<int> retry_after_seconds;  // the final answer's Retry-After, if any
};

class Transport {
 public:
  explicit Transport(ClientOptions options);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // host[:port] of the base URL, as the Host header carries it.
  const std::string& host() const { return host_; }
  // The base URL's path ("" or e.g. "/dev").
  const std::string& base_path() const { return base_path_; }
  // Empty when the base URL is usable, else why not.
  const std::string& config_error() const { return config_error_; }

  HttpResponse perform(const HttpRequest& request);

 private:
  void* acquire();
  void release(void* handle);

  ClientOptions options_;
  std::string origin_;  // scheme://authority
  std::string host_;
  std::string base_path_;
  std::string config_error_;
  std::mutex mu_;
  std::vector<void*> idle_;
};

// A Retry-After value (RFC 9110 10.2.3) as seconds from `now`: delta-seconds, or an HTTP
// date (a date in the past is 0). Unset for anything else. Large values are capped at a day:
// no caller should sleep longer on one answer's word.
std::optional<int> parse_retry_after(std::string_view value, std::time_t now);

// Percent-encodes one path segment (everything but RFC 3986 unreserved characters).
std::string encode_segment(const std::string& segment);

}  // namespace session_api
