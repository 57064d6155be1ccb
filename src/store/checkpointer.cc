#include "store/checkpointer.h"

#include <pthread.h>

namespace sapi::store {

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval)
    : conn_(std::move(conn)), interval_(interval), thread_([this] { loop(); }) {}

Checkpointer::~Checkpointer() { stop(); }

void Checkpointer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::loop() {
  // Linux keeps at most 15 characters of a thread name and refuses longer ones.
  pthread_setname_np(pthread_self(), "store-checkpt");
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    // A failure (busy, I/O) leaves the pages in the WAL, where they are safe; the next
    // pass tries again.
    (void)conn_->exec("PRAGMA wal_checkpoint(PASSIVE);");
    lock.lock();
  }
}

}  // namespace sapi::store
