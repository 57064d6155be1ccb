#include "store/writer.h"

#include <pthread.h>

#include <exception>
#include <future>
#include <utility>
#include <vector>

namespace sapi::store {
namespace {

Status apply_guarded(const Writer::Apply& apply, Connection& conn) {
  try {
    return apply(conn);
  } catch (const std::exception& e) {
    return internal_error(std::string("store write failed: ") + e.what());
  }
}

WriterLimits checked(WriterLimits limits) {
  if (limits.max_batch == 0) limits.max_batch = 1;
  return limits;
}

}  // namespace

Writer::Writer(std::unique_ptr<Connection> conn, WriterLimits limits,
               std::shared_ptr<StoreObserver> observer, Sync sync)
    : conn_(std::move(conn)),
      limits_(checked(limits)),
      observer_(std::move(observer)),
      sync_(std::move(sync)),
      sync_thread_(sync_ ? std::thread([this] { sync_loop(); }) : std::thread()),
      thread_([this] { loop(); }) {}

Writer::~Writer() { close(); }

void Writer::submit(std::string_view operation, Apply apply, WriteDone done) {
  enqueue({operation, std::move(apply), std::move(done), std::chrono::steady_clock::now(), true});
}

void Writer::submit_atomic(std::string_view operation, Apply apply, WriteDone done) {
  enqueue({operation, std::move(apply), std::move(done), std::chrono::steady_clock::now(), false});
}

void Writer::enqueue(Pending write) {
  Status refused;
  {
    std::lock_guard lock(mu_);
    if (closing_) {
      refused = unavailable("store is closed");
    } else if (!stopped_.ok()) {
      refused = stopped_;
    } else if (queue_.size() >= limits_.max_queued) {
      refused = unavailable("store write queue is full");
    } else {
      // The writer sleeps on an empty queue, or in its commit delay until a full batch
      // waits: only the first write and the one that fills a batch need to wake it.
      queue_.push_back(std::move(write));
      if (queue_.size() == 1 || queue_.size() == limits_.max_batch) cv_.notify_one();
      return;
    }
  }
  finish(write, refused);
}

Status Writer::submit_sync(std::string_view operation, Apply apply) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  submit(operation, std::move(apply), [&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

void Writer::close() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(sync_mu_);
    writer_done_ = true;
    sync_cv_.notify_all();
  }
  if (sync_thread_.joinable()) sync_thread_.join();
  if (conn_) {
    // Fold the WAL back into the main file so that the next start-up replays nothing.
    (void)conn_->exec("PRAGMA wal_checkpoint(TRUNCATE);");
    conn_.reset();
  }
}

Status Writer::accepting() const {
  std::lock_guard lock(mu_);
  if (closing_) return unavailable("store is closed");
  return stopped_;
}

void Writer::loop() {
  pthread_setname_np(pthread_self(), "store-writer");
  std::deque<Pending> batch;
  for (;;) {
    Status stopped;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      if (limits_.commit_delay.count() > 0 && last_batch_ >= limits_.commit_delay_min_batch) {
        cv_.wait_for(lock, limits_.commit_delay,
                     [this] { return closing_ || queue_.size() >= limits_.max_batch; });
      }
      size_t n = std::min(queue_.size(), limits_.max_batch);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stopped = stopped_;
    }
    last_batch_ = batch.size();
    Ended ended;
    ended.writes.swap(batch);
    if (stopped.ok()) {
      run_batch(ended);
    } else {
      ended.outcomes.assign(ended.writes.size(), stopped);
    }
    if (!sync_) {
      acknowledge(ended, Status());
      continue;
    }
    std::lock_guard lock(sync_mu_);
    ended_.push_back(std::move(ended));
    if (ended_.size() == 1) sync_cv_.notify_one();
  }
}

void Writer::run_batch(Ended& ended) {
  std::deque<Pending>& batch = ended.writes;
  std::vector<Status>& results = ended.outcomes;
  auto started = std::chrono::steady_clock::now();
  results.assign(batch.size(), Status());
  Status batch_error = conn_->run("BEGIN IMMEDIATE");
  size_t applied = 0;
  for (; batch_error.ok() && applied < batch.size(); ++applied) {
    const bool savepoint = batch[applied].savepoint;
    if (savepoint) batch_error = conn_->run("SAVEPOINT w");
    if (!batch_error.ok()) break;
    const int64_t changes_before = conn_->total_changes();
    results[applied] = apply_guarded(batch[applied].apply, *conn_);
    if (savepoint && !results[applied].ok()) batch_error = conn_->run("ROLLBACK TO w");
    if (!savepoint && !results[applied].ok() && conn_->total_changes() != changes_before) {
      batch_error =
          unavailable("a write failed after changing rows: " + results[applied].message());
    }
    if (savepoint && batch_error.ok()) batch_error = conn_->run("RELEASE w");
    // An I/O error or a full disk can make SQLite roll back the whole transaction.
    if (batch_error.ok() && conn_->autocommit()) {
      batch_error = unavailable("store transaction was rolled back by the database");
    }
  }
  if (batch_error.ok()) batch_error = conn_->run("COMMIT");
  if (!batch_error.ok()) {
    if (!conn_->autocommit()) (void)conn_->run("ROLLBACK");
    batch_error = Status(
        batch_error.code() == Code::kFailedPrecondition ? Code::kUnavailable : batch_error.code(),
        "store commit failed, nothing of this batch was saved: " + batch_error.message());
  }
  auto latency = std::chrono::steady_clock::now() - started;
  if (observer_) observer_->on_batch(batch.size(), latency, batch_error.ok());
  ended.committed = batch_error.ok();
  for (size_t i = 0; i < batch.size(); ++i) {
    bool own_error = i < applied && !results[i].ok();
    if (!own_error && !ended.committed) results[i] = batch_error;
  }
}

void Writer::acknowledge(Ended& ended, const Status& sync_error) {
  for (size_t i = 0; i < ended.writes.size(); ++i) {
    bool lost = ended.committed && ended.outcomes[i].ok() && !sync_error.ok();
    finish(ended.writes[i], lost ? sync_error : ended.outcomes[i]);
  }
}

void Writer::finish(Pending& write, const Status& status) {
  if (observer_) {
    observer_->on_operation(write.operation, std::chrono::steady_clock::now() - write.submitted,
                            status.ok());
  }
  if (write.done) write.done(status);
}

void Writer::sync_loop() {
  pthread_setname_np(pthread_self(), "store-sync");
  std::vector<Ended> work;
  Status failed;
  for (;;) {
    {
      std::unique_lock lock(sync_mu_);
      sync_cv_.wait(lock, [this] { return writer_done_ || !ended_.empty(); });
      if (ended_.empty()) return;  // the writer is done and everything acknowledged
      work.swap(ended_);
    }
    bool any_committed = false;
    for (const auto& e : work) any_committed = any_committed || e.committed;
    if (any_committed && failed.ok()) {
      auto started = std::chrono::steady_clock::now();
      Status synced = sync_();
      if (observer_) observer_->on_sync(std::chrono::steady_clock::now() - started, synced.ok());
      if (!synced.ok()) {
        failed = unavailable("store sync failed, so writes are no longer taken until a restart: " +
                             synced.message());
        stop(failed);
      }
    }
    for (auto& e : work) acknowledge(e, failed);
    work.clear();
  }
}

void Writer::stop(const Status& reason) {
  std::lock_guard lock(mu_);
  stopped_ = reason;
}

}  // namespace sapi::store
