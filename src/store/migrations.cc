#include "store/migrations.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace sapi::store {

std::vector<Migration> migrations_for(const StoreOptions& options) {
  const std::string& s = options.player_sessions_table;
  const std::string& r = options.player_rewards_table;
  std::vector<Migration> list;
  // Clustered on the key: one B-tree per table plus the ttl index for the sweeper, so a
  // write touches few pages. A player's sessions are found by the key prefix and sorted by
  // ended_at_ms (endTime or the time of the request); there are few within a ttl.
  list.push_back({s, 1,
                  fmt::format(R"(
      CREATE TABLE "{0}" (
        player_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        end_time_ms INTEGER,
        ended_at_ms INTEGER NOT NULL,
        rewards TEXT NOT NULL,
        ttl INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (player_id, session_id)) WITHOUT ROWID;
      CREATE INDEX "{0}_by_ttl" ON "{0}" (ttl);)",
                              s)});
  list.push_back({r, 1,
                  fmt::format(R"(
      CREATE TABLE "{0}" (
        player_id TEXT NOT NULL,
        reward_id TEXT NOT NULL,
        granted INTEGER NOT NULL DEFAULT 1,
        granted_at_ms INTEGER NOT NULL,
        session_id TEXT NOT NULL,
        last_granted_at_ms INTEGER NOT NULL,
        last_session_id TEXT NOT NULL,
        PRIMARY KEY (player_id, reward_id));)",
                              r)});
  list.push_back({"matchmaking_tickets", 1, R"(
      CREATE TABLE matchmaking_tickets (
        id TEXT PRIMARY KEY NOT NULL,
        configuration TEXT NOT NULL,
        owner_player_id TEXT NOT NULL,
        status TEXT NOT NULL,
        finished INTEGER NOT NULL,
        start_time_ms INTEGER NOT NULL,
        state BLOB NOT NULL,
        updated_at_ms INTEGER NOT NULL);
      CREATE INDEX matchmaking_tickets_unfinished ON matchmaking_tickets (start_time_ms)
        WHERE finished = 0;
      CREATE INDEX matchmaking_tickets_finished ON matchmaking_tickets (updated_at_ms)
        WHERE finished = 1;)"});
  list.push_back({"game_servers", 1, R"(
      CREATE TABLE game_servers (
        id TEXT PRIMARY KEY NOT NULL,
        state BLOB NOT NULL,
        updated_at_ms INTEGER NOT NULL);)"});
  list.push_back({"game_sessions", 1, R"(
      CREATE TABLE game_sessions (
        id TEXT PRIMARY KEY NOT NULL,
        game_server_id TEXT NOT NULL,
        status TEXT NOT NULL,
        finished INTEGER NOT NULL,
        state BLOB NOT NULL,
        updated_at_ms INTEGER NOT NULL);
      CREATE INDEX game_sessions_active ON game_sessions (id) WHERE finished = 0;
      CREATE INDEX game_sessions_finished ON game_sessions (updated_at_ms)
        WHERE finished = 1;)"});
  return list;
}

namespace {

Result<int> applied_version(Connection& conn, const std::string& subject) {
  auto stmt =
      conn.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE subject = ?");
  if (!stmt.ok()) return stmt.status();
  Stmt s(*stmt);
  s.bind(1, subject);
  int rc = s.step();
  if (rc != SQLITE_ROW) return conn.error(rc, "cannot read schema_migrations");
  return static_cast<int>(s.column_int64(0));
}

Status apply_one(Connection& conn, const Migration& m) {
  SAPI_RETURN_IF_ERROR(conn.exec("BEGIN IMMEDIATE"));
  Status status = conn.exec(m.sql);
  if (status.ok()) {
    auto stmt = conn.prepare(
        "INSERT INTO schema_migrations (subject, version, applied_at_ms) "
        "VALUES (?, ?, ?)");
    if (!stmt.ok()) {
      status = stmt.status();
    } else {
      Stmt s(*stmt);
      s.bind(1, m.subject)
          .bind(2, static_cast<int64_t>(m.version))
          .bind(3, to_epoch_ms(Clock::system().now()));
      int rc = s.step();
      if (rc != SQLITE_DONE) status = conn.error(rc, "cannot record migration");
    }
  }
  if (status.ok()) status = conn.exec("COMMIT");
  if (!status.ok()) {
    if (!conn.autocommit()) (void)conn.exec("ROLLBACK");
    return Status(Code::kUnavailable, fmt::format("schema migration {} version {} failed: {}",
                                                  m.subject, m.version, status.message()));
  }
  return {};
}

}  // namespace

Status apply_migrations(Connection& conn, const std::vector<Migration>& migrations) {
  SAPI_RETURN_IF_ERROR(
      conn.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " subject TEXT NOT NULL, version INTEGER NOT NULL, applied_at_ms INTEGER NOT NULL,"
                " PRIMARY KEY (subject, version))"));
  for (const Migration& m : migrations) {
    auto current = applied_version(conn, m.subject);
    if (!current.ok()) return current.status();
    if (m.version <= *current) continue;
    if (m.version != *current + 1) {
      return internal_error(fmt::format("schema migration {} jumps from version {} to {}",
                                        m.subject, *current, m.version));
    }
    SAPI_RETURN_IF_ERROR(apply_one(conn, m));
  }
  return {};
}

}  // namespace sapi::store
