#pragma once

// The single writer of a database: group commit, private to store/.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "store/observer.h"
#include "store/sqlite_db.h"
#include "store/write_done.h"

namespace sapi::store {

// The defaults are StoreOptions' (store/options.h), which fills these.
struct WriterLimits {
  size_t max_batch;   // writes per transaction at most
  size_t max_queued;  // writes waiting beyond this are refused
  // Under load, that is when the last batch held at least `commit_delay_min_batch` writes,
  // the writer waits up to `commit_delay` (or until a full batch waits) before it starts
  // the next one, so that more writes share one commit: each commit costs the same
  // whatever it holds. A light load, whose batches are small, never waits. Zero: off.
  std::chrono::microseconds commit_delay{0};
  size_t commit_delay_min_batch = 0;
};

// Owns the write connection and a thread that takes writes from a queue. Each pass runs
// every waiting write (up to max_batch) in one transaction, each write inside its own
// savepoint so that a write that fails (a constraint, say) is undone alone, then commits
// once and only then acknowledges each write. A failed COMMIT fails every write of the
// batch.
class Writer {
 public:
  // Runs inside the transaction on the writer thread; an error undoes this write only.
  using Apply = std::function<Status(Connection&)>;

  Writer(std::unique_ptr<Connection> conn, WriterLimits limits,
         std::shared_ptr<StoreObserver> observer);
  ~Writer();

  // Queues a write. `operation` must be a string literal (it names the metric). Fails at
  // once through `done` with kUnavailable when closed or when the queue is full.
  void submit(std::string_view operation, Apply apply, WriteDone done);

  // Like submit(), for a write that changes nothing unless it succeeds: one SQL statement
  // (SQLite undoes a failing statement by itself), or several whose only expected failures
  // come before the first change. No savepoint is taken around it; a savepoint is not free:
  // while one is open, each page the write changes that the batch had already changed is
  // first copied aside. Should such a write fail after changing rows anyway (a full disk
  // between two statements), the whole batch fails and nothing of it is kept.
  void submit_atomic(std::string_view operation, Apply apply, WriteDone done);

  // submit() and wait for the outcome. Must not be called from the writer thread.
  Status submit_sync(std::string_view operation, Apply apply);

  // Refuses new writes, drains the queue and joins the thread. Idempotent.
  void close();

  bool accepting() const;

 private:
  struct Pending {
    std::string_view operation;
    Apply apply;
    WriteDone done;
    std::chrono::steady_clock::time_point submitted;
    bool savepoint = true;
  };

  void enqueue(Pending write);

  void loop();
  void run_batch(std::deque<Pending>& batch);
  void finish(Pending& write, const Status& status);

  std::unique_ptr<Connection> conn_;
  const WriterLimits limits_;
  std::shared_ptr<StoreObserver> observer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  size_t last_batch_ = 0;  // writer thread only
  std::thread thread_;
};

}  // namespace sapi::store
