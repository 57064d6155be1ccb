#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/result.h"
#include "store/session_store.h"

namespace sapi::sessions {

struct SweeperOptions {
  std::chrono::milliseconds interval = std::chrono::minutes(1);
  // Rows deleted per transaction, so that a large backlog never holds the writer long.
  size_t batch_size = 1000;
};

// Deletes expired session rows in the background: wakes every `interval`, deletes in
// bounded batches until none is left, reports each pass's count to `on_swept` (for the
// rows-swept metric). Reads never depend on it: expired rows are hidden anyway.
class SessionSweeper {
 public:
  using OnSwept = std::function<void(int64_t rows)>;

  SessionSweeper(store::SessionStore& store, const Clock& clock, SweeperOptions options,
                 OnSwept on_swept = nullptr);
  ~SessionSweeper();

  // Starts the background thread; the first pass runs at once.
  void start();

  // Wakes the thread, waits for the current batch to finish and joins. Idempotent.
  void stop();

  // One pass on the calling thread: every expired row, batch by batch. Returns the count.
  Result<int64_t> sweep_once();

 private:
  void loop();

  store::SessionStore& store_;
  const Clock& clock_;
  const SweeperOptions options_;
  OnSwept on_swept_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sapi::sessions
