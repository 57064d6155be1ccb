#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/fleet_store.h"
#include "store/sqlite_backend.h"

namespace sapi::store {
namespace {

Status expect_done(Connection& c, Stmt& s, const char* what) {
  int rc = s.step();
  if (rc != SQLITE_DONE) return c.error(rc, what);
  return {};
}

// A write to game_sessions: the row, or its removal.
struct SessionWrite {
  std::string id;
  std::optional<GameSessionRecord> row;
};

// Game-session writes waiting for the writer. At most one writer job is queued for them; it
// takes everything that arrived until it runs, so a busy fleet costs one job (one savepoint,
// one acknowledgement pass) per group commit instead of one per write, and a game session
// written twice meanwhile (activated then ended) is written once.
struct SessionWrites {
  std::mutex mu;
  std::vector<SessionWrite> writes;
  std::vector<WriteDone> dones;
  bool queued = false;
};

// The writes a job took, and whether it took them (a refused job never runs).
struct TakenWrites {
  std::vector<SessionWrite> writes;
  std::vector<WriteDone> dones;
  bool taken = false;

  void take(SessionWrites& from) {
    std::lock_guard lock(from.mu);
    writes.swap(from.writes);
    dones.swap(from.dones);
    from.queued = false;
    taken = true;
  }
};

Status apply_session_writes(Connection& c, const std::vector<SessionWrite>& writes) {
  // The last write of each game session wins.
  std::unordered_map<std::string_view, size_t> last;
  for (size_t i = 0; i < writes.size(); ++i) last[writes[i].id] = i;
  for (size_t i = 0; i < writes.size(); ++i) {
    if (last[writes[i].id] != i) continue;
    const SessionWrite& w = writes[i];
    if (!w.row) {
      auto stmt = c.prepare("DELETE FROM game_sessions WHERE id = ?");
      if (!stmt.ok()) return stmt.status();
      Stmt s(*stmt);
      s.bind(1, w.id);
      SAPI_RETURN_IF_ERROR(expect_done(c, s, "cannot remove game session"));
      continue;
    }
    const GameSessionRecord& g = *w.row;
    auto stmt = c.prepare(
        "INSERT OR REPLACE INTO game_sessions (id, game_server_id, status, finished, "
        "state, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    Stmt s(*stmt);
    s.bind(1, g.id).bind(2, g.game_server_id).bind(3, g.status);
    s.bind(4, static_cast<int64_t>(g.finished ? 1 : 0)).bind_blob(5, g.state);
    s.bind(6, to_epoch_ms(g.updated_at));
    SAPI_RETURN_IF_ERROR(expect_done(c, s, "cannot store game session"));
  }
  return {};
}

class SqliteFleetStore final : public FleetStore {
 public:
  explicit SqliteFleetStore(Backend backend) : b_(std::move(backend)) {}

  void put_game_server(GameServerRecord server, WriteDone done) override {
    b_.writer->submit(
        "put_game_server",
        [g = std::move(server)](Connection& c) -> Status {
          auto stmt = c.prepare(
              "INSERT OR REPLACE INTO game_servers (id, state, updated_at_ms) VALUES (?, ?, ?)");
          if (!stmt.ok()) return stmt.status();
          Stmt s(*stmt);
          s.bind(1, g.id).bind_blob(2, g.state).bind(3, to_epoch_ms(g.updated_at));
          return expect_done(c, s, "cannot store game server");
        },
        std::move(done));
  }

  void remove_game_server(std::string id, WriteDone done) override {
    b_.writer->submit(
        "remove_game_server",
        [id = std::move(id)](Connection& c) -> Status {
          auto stmt = c.prepare("DELETE FROM game_servers WHERE id = ?");
          if (!stmt.ok()) return stmt.status();
          Stmt s(*stmt);
          s.bind(1, id);
          return expect_done(c, s, "cannot remove game server");
        },
        std::move(done));
  }

  Result<std::vector<GameServerRecord>> list_game_servers() override {
    return b_.reads->read<std::vector<GameServerRecord>>(
        "list_game_servers", [](Connection& c) -> Result<std::vector<GameServerRecord>> {
          auto stmt = c.prepare("SELECT id, state, updated_at_ms FROM game_servers ORDER BY id");
          if (!stmt.ok()) return stmt.status();
          Stmt s(*stmt);
          std::vector<GameServerRecord> out;
          int rc;
          while ((rc = s.step()) == SQLITE_ROW) {
            out.push_back({s.column_text(0), s.column_blob(1), from_epoch_ms(s.column_int64(2))});
          }
          if (rc != SQLITE_DONE) return c.error(rc, "cannot read game servers");
          return out;
        });
  }

  void put_game_session(GameSessionRecord session, WriteDone done) override {
    std::string id = session.id;
    write_session({std::move(id), std::move(session)}, std::move(done));
  }

  void remove_game_session(std::string id, WriteDone done) override {
    write_session({std::move(id), std::nullopt}, std::move(done));
  }

  Result<std::vector<GameSessionRecord>> list_active_game_sessions() override {
    return b_.reads->read<std::vector<GameSessionRecord>>(
        "list_active_game_sessions", [](Connection& c) -> Result<std::vector<GameSessionRecord>> {
          auto stmt = c.prepare(
              "SELECT id, game_server_id, status, finished, state, updated_at_ms "
              "FROM game_sessions WHERE finished = 0 ORDER BY id");
          if (!stmt.ok()) return stmt.status();
          Stmt s(*stmt);
          std::vector<GameSessionRecord> out;
          int rc;
          while ((rc = s.step()) == SQLITE_ROW) {
            out.push_back({s.column_text(0), s.column_text(1), s.column_text(2),
                           s.column_int64(3) != 0, s.column_blob(4),
                           from_epoch_ms(s.column_int64(5))});
          }
          if (rc != SQLITE_DONE) return c.error(rc, "cannot read game sessions");
          return out;
        });
  }

  Result<int64_t> purge_finished_game_sessions(Clock::TimePoint updated_before,
                                               size_t max_rows) override {
    return purge_finished_rows(*b_.writer, "purge_finished_game_sessions", "game_sessions",
                               updated_before, max_rows);
  }

 private:
  void write_session(SessionWrite write, WriteDone done) {
    {
      std::lock_guard lock(sessions_->mu);
      sessions_->writes.push_back(std::move(write));
      if (done) sessions_->dones.push_back(std::move(done));
      if (sessions_->queued) return;
      sessions_->queued = true;
    }
    auto taken = std::make_shared<TakenWrites>();
    b_.writer->submit(
        "write_game_sessions",
        [pending = sessions_, taken](Connection& c) -> Status {
          taken->take(*pending);
          return apply_session_writes(c, taken->writes);
        },
        [pending = sessions_, taken](Status status) {
          if (!taken->taken) taken->take(*pending);  // refused: fail what waited
          for (auto& done : taken->dones) done(status);
        });
  }

  Backend b_;
  std::shared_ptr<SessionWrites> sessions_ = std::make_shared<SessionWrites>();
};

}  // namespace

std::unique_ptr<FleetStore> make_sqlite_fleet_store(Backend backend) {
  return std::make_unique<SqliteFleetStore>(std::move(backend));
}

}  // namespace sapi::store
