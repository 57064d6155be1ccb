#pragma once
// What the store benchmarks share: the process's CPU time and the writer's batch sizes.

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "store/observer.h"

namespace sapi::bench {

// User and system CPU seconds of the whole process so far.
inline double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

// Counts the writer's batches and the writes in them, for the mean batch size.
class BatchCounter final : public store::StoreObserver {
 public:
  void on_batch(size_t writes, std::chrono::nanoseconds, bool) override {
    batches_++;
    writes_ += writes;
  }
  void on_sync(std::chrono::nanoseconds, bool) override {}
  void on_operation(std::string_view, std::chrono::nanoseconds, bool) override {}
  double mean_batch() const { return batches_ ? double(writes_) / double(batches_) : 0; }

 private:
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> writes_{0};
};

}  // namespace sapi::bench
