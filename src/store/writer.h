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
#include <vector>

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
//
// With a `Sync`, the connection commits without waiting for the disk (the SQLite store sets
// synchronous=NORMAL) and a second thread, the sync stage ("store-sync"), calls `sync` after
// each commit and only then acknowledges that commit's writes, in the order they were
// submitted. Meanwhile the writer already runs the next batch: the wait for the disk and the
// acknowledgements overlap the next batch's work, and one sync can cover several commits.
// A failed sync fails every write not yet acknowledged and stops the writer for good: after a
// failed fsync the kernel may have dropped the dirty pages, so that a later sync that
// succeeds proves nothing (the reason PostgreSQL stops on it too).
class Writer {
 public:
  // Runs inside the transaction on the writer thread; an error undoes this write only.
  using Apply = std::function<Status(Connection&)>;
  // Makes durable everything the connection has committed so far (store/wal_sync.h).
  // Called from the sync stage only.
  using Sync = std::function<Status()>;

  Writer(std::unique_ptr<Connection> conn, WriterLimits limits,
         std::shared_ptr<StoreObserver> observer, Sync sync = nullptr);
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

  // Refuses new writes, drains the queue, acknowledges every write and joins the threads.
  // Idempotent.
  void close();

  // Ok while writes are taken; otherwise why not (closed, or stopped by a failed sync).
  Status accepting() const;

 private:
  struct Pending {
    std::string_view operation;
    Apply apply;
    WriteDone done;
    std::chrono::steady_clock::time_point submitted;
    bool savepoint = true;
  };

  // A batch whose transaction has ended, waiting for the sync stage.
  struct Ended {
    std::deque<Pending> writes;
    std::vector<Status> outcomes;  // one per write
    bool committed = false;        // durable once synced; else every outcome is an error
  };

  void enqueue(Pending write);

  void loop();
  // Runs the transaction of `ended.writes`, filling in each write's outcome and whether it
  // committed.
  void run_batch(Ended& ended);
  // Calls back each write of the batch; a committed write whose sync failed gets `sync_error`.
  void acknowledge(Ended& ended, const Status& sync_error);
  void finish(Pending& write, const Status& status);
  void sync_loop();
  // Called by the sync stage once a sync failed: refuses every write from now on.
  void stop(const Status& reason);

  std::unique_ptr<Connection> conn_;
  const WriterLimits limits_;
  std::shared_ptr<StoreObserver> observer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  Status stopped_;         // a failed sync's error, once there was one
  size_t last_batch_ = 0;  // writer thread only

  const Sync sync_;
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::vector<Ended> ended_;  // sync_mu_
  bool writer_done_ = false;  // sync_mu_

  std::thread sync_thread_;
  std::thread thread_;
};

}  // namespace sapi::store
