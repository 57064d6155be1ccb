#pragma once

// A thin RAII layer over the SQLite C API, private to store/.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sapi::store {

// Time points are stored as integer milliseconds since the Unix epoch.
int64_t to_epoch_ms(Clock::TimePoint t);
Clock::TimePoint from_epoch_ms(int64_t ms);

// A bound, executing statement. Resets the statement (and its bindings) when destroyed so
// that the cached statement can be reused.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, int64_t value);
  Stmt& bind_blob(int index, std::string_view bytes);
  Stmt& bind_null(int index);
  // Bind without copying: the bytes must stay valid and unchanged until this Stmt is
  // destroyed (which resets the statement and clears its bindings).
  Stmt& bind_unowned(int index, std::string_view text);
  Stmt& bind_blob_unowned(int index, std::string_view bytes);

  // SQLITE_ROW, SQLITE_DONE or an error code (the first binding error if there was one).
  int step();

  bool is_null(int column) const;
  int64_t column_int64(int column) const;
  std::string column_text(int column) const;
  std::string column_blob(int column) const;

 private:
  // Remembers the first failed bind, which step() then returns.
  Stmt& keep_first_error(int rc);

  sqlite3_stmt* stmt_;
  int bind_error_ = 0;
};

// One SQLite connection, used by one thread at a time, with a cache of prepared
// statements keyed by their SQL.
class Connection {
 public:
  // Opens (creating when missing) the database file and sets the pragmas every connection
  // of the store uses: WAL, synchronous=FULL, foreign keys, busy timeout.
  static Result<std::unique_ptr<Connection>> open(const std::string& path, int busy_timeout_ms);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements that return no rows of interest.
  Status exec(const std::string& sql);

  // The cached prepared statement for `sql`, ready to bind; kInternal if it does not
  // compile.
  Result<sqlite3_stmt*> prepare(const std::string& sql);

  // Runs a cached statement without parameters (BEGIN, COMMIT, SAVEPOINT...).
  Status run(const std::string& sql);

  // A Status describing the last error on this connection (`rc` is the failing code).
  Status error(int rc, std::string_view what) const;

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t changes() const;

  // Rows changed by every INSERT, UPDATE or DELETE since the connection opened.
  int64_t total_changes() const;

  // True when no transaction is open (SQLite may roll one back by itself after an I/O
  // error or a full disk).
  bool autocommit() const;

  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// The Status for a failed SQLite call: kFailedPrecondition for constraint violations,
// kUnavailable for conditions that may pass (busy, I/O, full disk), kInternal otherwise.
Status sqlite_status(int rc, std::string_view what, std::string_view detail);

}  // namespace sapi::store
