#include "sessions/sweeper.h"

namespace sapi::sessions {

SessionSweeper::SessionSweeper(store::SessionStore& store, const Clock& clock,
                               SweeperOptions options, OnSwept on_swept)
    : store_(store), clock_(clock), options_(options), on_swept_(std::move(on_swept)) {}

SessionSweeper::~SessionSweeper() { stop(); }

void SessionSweeper::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { loop(); });
}

void SessionSweeper::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

Result<int64_t> SessionSweeper::sweep_once() {
  int64_t total = 0;
  size_t batch = options_.batch_size == 0 ? 1 : options_.batch_size;
  for (;;) {
    auto swept = store_.sweep_expired_sessions(epoch_seconds(clock_.now()), batch);
    if (!swept.ok()) return swept.status();
    total += *swept;
    if (static_cast<size_t>(*swept) < batch) break;
    std::lock_guard lock(mu_);
    if (stopping_) break;
  }
  return total;
}

void SessionSweeper::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto swept = sweep_once();
    // A failed pass (the store closing, a full disk) is retried at the next wake-up.
    if (swept.ok() && on_swept_) on_swept_(*swept);
    lock.lock();
    cv_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace sapi::sessions
