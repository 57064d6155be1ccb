#pragma once

// Incremental HTTP/1.1 request parsing into a Request, without sockets: the server feeds it the
// bytes it reads, the fuzz target feeds it arbitrary bytes.

#include <cstddef>
#include <memory>
#include <string_view>

#include "http/message.h"

namespace sapi::http {

class RequestReader {
 public:
  enum class State {
    kNeedMore,  // feed more bytes
    kComplete,  // the request (header and body) is in the Request passed to start()
    kError,     // the bytes are not an acceptable request; see error_*(); close after answering
  };

  struct Outcome {
    std::size_t consumed = 0;  // bytes of the input that belong to this request
    State state = State::kNeedMore;
  };

  RequestReader(std::size_t max_header_bytes, std::size_t max_body_bytes);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Begins a new request, cleared and then filled into `request` as bytes arrive.
  void start(Request& request);

  // Parses as much of `bytes` as possible. Unconsumed bytes must be presented again (with more
  // after them) on the next call; bytes after a complete request belong to the next one.
  Outcome feed(std::string_view bytes);

  // True once the header block of the current request has been parsed.
  bool header_done() const;

  // Whether the connection may stay open after this request (HTTP/1.1 default, Connection).
  bool keep_alive() const;

  // Whether the client waits for "100 Continue" before sending the body.
  bool expects_continue() const;

  // "HTTP/1.1" or "HTTP/1.0".
  std::string_view protocol() const;

  // After kError: the status (400, 413 or 431), the error code and a message for the client.
  int error_status() const;
  std::string_view error_code() const;
  std::string_view error_message() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  Request* request_ = nullptr;
  int error_status_ = 0;
  std::string_view error_code_;
  std::string_view error_message_;
};

}  // namespace sapi::http
