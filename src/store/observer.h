#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace sapi::store {

// Receives what the store measures, so that the app can turn it into metrics without the
// store knowing about them. Methods are called from the writer thread, its sync stage and
// reading threads at the same time: implementations must be thread-safe and quick.
class StoreObserver {
 public:
  virtual ~StoreObserver() = default;

  // One transaction of `writes` writes was committed (ok) or failed; `commit_latency` is the
  // time from BEGIN to the end of COMMIT, which includes the fsync unless a sync stage does it.
  virtual void on_batch(size_t writes, std::chrono::nanoseconds commit_latency, bool ok) = 0;

  // The sync stage made the commits so far durable (ok) or failed to (store/writer.h).
  virtual void on_sync(std::chrono::nanoseconds latency, bool ok) = 0;

  // One store operation finished. `operation` is a stable name such as "put_summary" or
  // "list_rewards"; for writes the latency runs from submission to acknowledgement.
  virtual void on_operation(std::string_view operation, std::chrono::nanoseconds latency,
                            bool ok) = 0;
};

}  // namespace sapi::store
