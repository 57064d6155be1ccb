#include "store/sqlite_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/page_cache.h"

namespace sapi::store {

int64_t to_epoch_ms(Clock::TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Clock::TimePoint from_epoch_ms(int64_t ms) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

Status sqlite_status(int rc, std::string_view what, std::string_view detail) {
  std::string message = fmt::format("{}: {}", what, detail);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return failed_precondition(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
      return unavailable(std::move(message));
    default:
      return internal_error(std::move(message));
  }
}

Stmt::~Stmt() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::keep_first_error(int rc) {
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view text) {
  return keep_first_error(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Stmt& Stmt::bind(int index, int64_t value) {
  return keep_first_error(sqlite3_bind_int64(stmt_, index, value));
}

Stmt& Stmt::bind_blob(int index, std::string_view bytes) {
  return keep_first_error(
      sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
}

Stmt& Stmt::bind_unowned(int index, std::string_view text) {
  return keep_first_error(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8));
}

Stmt& Stmt::bind_blob_unowned(int index, std::string_view bytes) {
  return keep_first_error(
      sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC));
}

Stmt& Stmt::bind_null(int index) { return keep_first_error(sqlite3_bind_null(stmt_, index)); }

int Stmt::step() {
  if (bind_error_ != 0) return bind_error_;
  return sqlite3_step(stmt_);
}

bool Stmt::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Stmt::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Stmt::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Stmt::column_blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return {};
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, int busy_timeout_ms) {
  // Process-wide settings, only possible before SQLite initialises, so the first connection
  // makes them (later calls would be refused). By default SQLite counts its allocations under
  // a global mutex taken on every malloc and free; nothing here reads those counts. The page
  // cache is SQLite's own without its scan at every commit (page_cache.h).
  static const bool kConfigured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)install_page_cache();
    return true;
  }();
  (void)kConfigured;
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = sqlite_status(rc, fmt::format("cannot open database {}", path),
                                  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return status;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // WAL lets readers run beside the writer; synchronous=FULL makes every commit durable
  // (the WAL is fsynced before COMMIT returns).
  SAPI_RETURN_IF_ERROR(
      conn->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return {};
  Status status = sqlite_status(rc, "database statement failed", err ? err : sqlite3_errstr(rc));
  sqlite3_free(err);
  return status;
}

Result<sqlite3_stmt*> Connection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, "cannot prepare statement");
  statements_.emplace(sql, stmt);
  return stmt;
}

Status Connection::run(const std::string& sql) {
  auto stmt = prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Stmt s(*stmt);
  int rc = s.step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
  return error(rc, sql);
}

Status Connection::error(int rc, std::string_view what) const {
  return sqlite_status(rc, what, sqlite3_errmsg(db_));
}

int64_t Connection::changes() const { return sqlite3_changes64(db_); }

int64_t Connection::total_changes() const { return sqlite3_total_changes64(db_); }

bool Connection::autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

}  // namespace sapi::store
