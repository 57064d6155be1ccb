#pragma once

// Lines from any number of threads, written in order by one background thread in batches.
//
// A request that logs a line only appends it to a buffer under a mutex: the writer thread is
// not woken per line. It sleeps until the first line after a quiet spell, then gathers lines
// for a short interval and hands them to the sink as one block, so under load it wakes about
// once per interval however many lines arrive. No line is dropped: when the buffer holds
// `max_lines`, writers wait for room.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sapi::obs {

class LineBatcher {
 public:
  // Receives consecutive lines, each ending in '\n', on the background thread.
  using Sink = std::function<void(std::string_view lines)>;

  LineBatcher(Sink sink, size_t max_lines, std::chrono::microseconds interval);
  // Writes out every line pushed so far, then stops the thread.
  ~LineBatcher();
  LineBatcher(const LineBatcher&) = delete;
  LineBatcher& operator=(const LineBatcher&) = delete;

  // Queues `line` (without its '\n'). Waits while the buffer is full.
  void push(std::string_view line);

  // Returns once every line pushed before the call has been handed to the sink.
  void flush();

 private:
  void run();

  Sink sink_;
  const size_t max_lines_;
  const std::chrono::microseconds interval_;

  std::mutex mutex_;
  std::condition_variable wake_;     // the writer: lines after a quiet spell, flush, stop
  std::condition_variable room_;     // pushers waiting for a full buffer to drain
  std::condition_variable written_;  // flushers
  std::string pending_;
  size_t pending_lines_ = 0;
  uint64_t pushed_ = 0;         // lines pushed since start
  uint64_t written_count_ = 0;  // lines handed to the sink since start
  bool writer_idle_ = false;
  bool flush_requested_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sapi::obs
