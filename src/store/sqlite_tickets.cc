#include <sqlite3.h>

#include "store/sqlite_backend.h"
#include "store/ticket_store.h"

namespace sapi::store {
namespace {

constexpr const char* kTicketColumns =
    "id, configuration, owner_player_id, status, finished, start_time_ms, state, "
    "updated_at_ms";

// An upsert updates the row in place; INSERT OR REPLACE would delete it and insert it again,
// rewriting every index entry on every status change. A string built once: the statement
// cache is keyed by the SQL text.
const std::string& put_ticket_sql() {
  static const std::string* const sql = new std::string(
      "INSERT INTO matchmaking_tickets (id, configuration, owner_player_id, status, finished, "
      "start_time_ms, state, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET configuration = excluded.configuration, "
      "owner_player_id = excluded.owner_player_id, status = excluded.status, "
      "finished = excluded.finished, start_time_ms = excluded.start_time_ms, "
      "state = excluded.state, updated_at_ms = excluded.updated_at_ms");
  return *sql;
}

TicketRecord ticket_from_row(const Stmt& s) {
  return {s.column_text(0),       s.column_text(1),
          s.column_text(2),       s.column_text(3),
          s.column_int64(4) != 0, from_epoch_ms(s.column_int64(5)),
          s.column_blob(6),       from_epoch_ms(s.column_int64(7))};
}

Result<std::vector<TicketRecord>> collect(Connection& c, Stmt& s) {
  std::vector<TicketRecord> tickets;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) tickets.push_back(ticket_from_row(s));
  if (rc != SQLITE_DONE) return c.error(rc, "cannot read tickets");
  return tickets;
}

class SqliteTicketStore final : public TicketStore {
 public:
  explicit SqliteTicketStore(Backend backend) : b_(std::move(backend)) {}

  void put_ticket(TicketRecord ticket, WriteDone done) override {
    b_.writer->submit_atomic(
        "put_ticket",
        [t = std::move(ticket)](Connection& c) -> Status {
          auto stmt = c.prepare(put_ticket_sql());
          if (!stmt.ok()) return stmt.status();
          Stmt s(*stmt);
          // `t` outlives the statement's run: no copies of its strings.
          s.bind_unowned(1, t.id).bind_unowned(2, t.configuration);
          s.bind_unowned(3, t.owner_player_id).bind_unowned(4, t.status);
          s.bind(5, static_cast<int64_t>(t.finished ? 1 : 0)).bind(6, to_epoch_ms(t.start_time));
          s.bind_blob_unowned(7, t.state).bind(8, to_epoch_ms(t.updated_at));
          int rc = s.step();
          if (rc != SQLITE_DONE) return c.error(rc, "cannot store ticket");
          return {};
        },
        std::move(done));
  }

  Result<TicketRecord> get_ticket(const std::string& id) override {
    return b_.reads->read<TicketRecord>("get_ticket", [&](Connection& c) -> Result<TicketRecord> {
      auto stmt = c.prepare(std::string("SELECT ") + kTicketColumns +
                            " FROM matchmaking_tickets WHERE id = ?");
      if (!stmt.ok()) return stmt.status();
      Stmt s(*stmt);
      s.bind(1, id);
      int rc = s.step();
      if (rc == SQLITE_DONE) return not_found("no ticket with this id");
      if (rc != SQLITE_ROW) return c.error(rc, "cannot read ticket");
      return ticket_from_row(s);
    });
  }

  Result<std::vector<TicketRecord>> list_unfinished_tickets() override {
    return b_.reads->read<std::vector<TicketRecord>>(
        "list_unfinished_tickets", [&](Connection& c) -> Result<std::vector<TicketRecord>> {
          auto stmt = c.prepare(std::string("SELECT ") + kTicketColumns +
                                " FROM matchmaking_tickets WHERE finished = 0 "
                                "ORDER BY start_time_ms, id");
          if (!stmt.ok()) return stmt.status();
          Stmt s(*stmt);
          return collect(c, s);
        });
  }

  Result<int64_t> purge_finished_tickets(Clock::TimePoint updated_before,
                                         size_t max_rows) override {
    return purge_finished_rows(*b_.writer, "purge_finished_tickets", "matchmaking_tickets",
                               updated_before, max_rows);
  }

 private:
  Backend b_;
};

}  // namespace

std::unique_ptr<TicketStore> make_sqlite_ticket_store(Backend backend) {
  return std::make_unique<SqliteTicketStore>(std::move(backend));
}

}  // namespace sapi::store
