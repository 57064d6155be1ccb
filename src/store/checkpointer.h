#pragma once

// Copies the WAL back into the database file on its own thread, private to store/.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite_db.h"

namespace sapi::store {

// SQLite checkpoints from the committing connection by default, which puts a checkpoint
// (and its fsync of the database file) in the latency of whichever batch crosses the
// threshold. The writer turns that off; this thread runs passive checkpoints instead,
// which never block the writer or the readers.
class Checkpointer {
 public:
  Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval);
  ~Checkpointer();

  // Stops and joins the thread. Idempotent.
  void stop();

 private:
  void loop();

  std::unique_ptr<Connection> conn_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sapi::store
