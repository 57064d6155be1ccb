#pragma once

// What the SQLite record stores share, private to store/.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/observer.h"
#include "store/options.h"
#include "store/sqlite_db.h"
#include "store/writer.h"

namespace sapi::store {

// Read connections shared by the reading threads. WAL lets them read beside the writer;
// each sees the last committed state when its statement starts.
class ReadPool {
 public:
  ReadPool(std::string path, const StoreOptions& options, std::shared_ptr<StoreObserver> observer);

  // Runs `fn(Connection&)` (returning Result<T>) on a connection of its own and reports its
  // latency as `operation`.
  template <typename T, typename Fn>
  Result<T> read(std::string_view operation, Fn&& fn) {
    auto started = std::chrono::steady_clock::now();
    auto conn = acquire();
    if (!conn.ok()) {
      observe(operation, started, false);
      return conn.status();
    }
    Result<T> result = fn(**conn);
    release(std::move(*conn));
    observe(operation, started, result.ok());
    return result;
  }

  // Closes the idle connections; later reads open new ones.
  void clear();

 private:
  Result<std::unique_ptr<Connection>> acquire();
  void release(std::unique_ptr<Connection> conn);
  void observe(std::string_view operation, std::chrono::steady_clock::time_point started, bool ok);

  const std::string path_;
  const int busy_timeout_ms_;
  const size_t keep_;
  std::shared_ptr<StoreObserver> observer_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// The writer, the readers and the table names, as every record store needs them.
struct Backend {
  Writer* writer;
  ReadPool* reads;
  std::string sessions_table;  // already quoted: "PlayerSessions"
  std::string rewards_table;
};

// Runs a write through the writer and waits for its count of changed rows.
Result<int64_t> write_count_sync(Writer& writer, std::string_view operation,
                                 std::function<Result<int64_t>(Connection&)> fn);

// Deletes at most `max_rows` rows of `table` (a fixed name, not user input) that are
// finished and were last updated before `updated_before`; returns how many it deleted.
// `operation` must be a string literal (it names the metric).
Result<int64_t> purge_finished_rows(Writer& writer, const char* operation, const char* table,
                                    Clock::TimePoint updated_before, size_t max_rows);

}  // namespace sapi::store

namespace sapi::store {

class SessionStore;
class TicketStore;
class FleetStore;

std::unique_ptr<SessionStore> make_sqlite_session_store(Backend backend);
std::unique_ptr<TicketStore> make_sqlite_ticket_store(Backend backend);
std::unique_ptr<FleetStore> make_sqlite_fleet_store(Backend backend);

}  // namespace sapi::store
