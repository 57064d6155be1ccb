#pragma once

// The server's side of a streamed response body: a thread-safe hand-over between the writers
// of a ResponseStream (any thread) and the connection that sends the bytes (its I/O thread).
// Nothing here knows about sockets; the connection tells the channel how to wake it.

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace sapi::http {

class StreamChannel : public ResponseStream {
 public:
  // `chunked`: frame every write as an HTTP/1.1 chunk and end with the last chunk (an
  // HTTP/1.0 client gets the bytes as they are and sees the end when the connection closes).
  // `wake` is called, outside any lock, when there is something new for the connection to
  // take(); it must only schedule that, not do it.
  StreamChannel(bool chunked, std::size_t max_unsent_bytes, std::function<void()> wake);

  // A channel that has already ended (for sinks that cannot stream).
  static std::shared_ptr<StreamChannel> ended_channel();

  bool write(std::string_view data) override;
  void close() override;
  bool is_open() const override;
  void on_close(std::function<void()> fn) override;

  // What take() found.
  enum class State {
    kOpen,      // more may come
    kFinished,  // the handler closed the stream: after these bytes, close the connection
    kDropped,   // the client fell too far behind: close the connection now
  };

  // Connection side: appends the queued bytes to `out`.
  State take(std::string& out);

  // Connection side: bytes taken but not yet written to the socket, counted against the cap.
  void set_backlog(std::size_t bytes) { backlog_.store(bytes, std::memory_order_relaxed); }

  // Connection side: the stream has ended (connection closed or finished); runs the
  // on_close callbacks once. Later writes return false.
  void end();

 private:
  const bool chunked_;
  const std::size_t max_unsent_;
  const std::function<void()> wake_;
  std::atomic<std::size_t> backlog_{0};

  mutable std::mutex mu_;
  std::string pending_;
  bool wake_scheduled_ = false;
  bool closing_ = false;  // close() called: the last chunk is queued
  bool dropped_ = false;
  bool ended_ = false;
  std::vector<std::function<void()>> on_close_;
};

}  // namespace sapi::http
