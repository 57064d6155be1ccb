#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "store/session_store.h"
#include "store/sqlite_backend.h"

namespace sapi::store {
namespace {

// Drops repeated ids in place, keeping the first of each (the sessions layer usually has
// already, so that this costs a scan and no copy).
void make_distinct(std::vector<std::string>& ids) {
  auto end = ids.begin();
  for (auto it = ids.begin(); it != ids.end(); ++it) {
    if (std::find(ids.begin(), end, *it) != end) continue;
    if (it != end) *end = std::move(*it);
    ++end;
  }
  ids.erase(end, ids.end());
}

// Appends `s` as a JSON string: quote, backslash and control characters escaped, other
// bytes (UTF-8 included) as they are.
void append_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

// The stored form of a reward list, a JSON array of strings, written into a reused buffer.
void encode_rewards(const std::vector<std::string>& ids, std::string& out) {
  out.assign(1, '[');
  for (const auto& id : ids) {
    if (out.size() > 1) out.push_back(',');
    append_json_string(id, out);
  }
  out.push_back(']');
}

std::vector<std::string> decode_rewards(const std::string& text) {
  std::vector<std::string> ids;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return ids;
  for (const auto& v : value.as_array()) {
    if (v.is_string()) ids.emplace_back(v.as_string());
  }
  return ids;
}

bool same_set(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Cursors are the hex of "<ended_at_ms>:<session_id>" of the last row of a page: opaque to
// clients, and checked when they come back.
std::string encode_cursor(int64_t ended_at_ms, const std::string& session_id) {
  std::string raw = fmt::format("{}:{}", ended_at_ms, session_id);
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (unsigned char c : raw) hex += fmt::format("{:02x}", c);
  return hex;
}

bool decode_cursor(const std::string& cursor, int64_t* ended_at_ms, std::string* session_id) {
  if (cursor.size() % 2 != 0 || cursor.size() > 2 * 200) return false;
  std::string raw;
  for (size_t i = 0; i < cursor.size(); i += 2) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, value, 16);
    if (ec != std::errc() || p != cursor.data() + i + 2) return false;
    raw += static_cast<char>(value);
  }
  size_t colon = raw.find(':');
  if (colon == std::string::npos || colon + 1 == raw.size()) return false;
  auto [p, ec] = std::from_chars(raw.data(), raw.data() + colon, *ended_at_ms);
  if (ec != std::errc() || p != raw.data() + colon) return false;
  *session_id = raw.substr(colon + 1);
  return true;
}

// The statements, with the configured table names, built once.
struct SessionSql {
  explicit SessionSql(const Backend& b)
      : find(fmt::format(
            "SELECT end_time_ms, rewards, ttl FROM {} WHERE player_id = ? AND session_id = ?",
            b.sessions_table)),
        insert(fmt::format(
            "INSERT INTO {} (player_id, session_id, end_time_ms, ended_at_ms, rewards, ttl, "
            "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (player_id, session_id) DO NOTHING",
            b.sessions_table)),
        grant(
            fmt::format("INSERT INTO {} (player_id, reward_id, granted, granted_at_ms, session_id, "
                        "last_granted_at_ms, last_session_id) VALUES (?1, ?2, 1, ?3, ?4, ?3, ?4) "
                        "ON CONFLICT (player_id, reward_id) DO UPDATE SET "
                        "last_granted_at_ms = excluded.last_granted_at_ms, "
                        "last_session_id = excluded.last_session_id",
                        b.rewards_table)),
        rewards(fmt::format(
            "SELECT reward_id, granted_at_ms, session_id, last_granted_at_ms, last_session_id "
            "FROM {} WHERE player_id = ? ORDER BY reward_id",
            b.rewards_table)),
        // Row values compare (ended_at_ms, session_id) in the order of the cursor.
        sessions(fmt::format(
            "SELECT session_id, end_time_ms, ended_at_ms, rewards, ttl, created_at_ms FROM {} "
            "WHERE player_id = ?1 AND ttl > ?2 AND (ended_at_ms, session_id) < (?3, ?4) "
            "ORDER BY ended_at_ms DESC, session_id DESC LIMIT ?5",
            b.sessions_table)),
        sweep(fmt::format("DELETE FROM {0} WHERE (player_id, session_id) IN "
                          "(SELECT player_id, session_id FROM {0} WHERE ttl <= ? LIMIT ?)",
                          b.sessions_table)) {}

  const std::string find, insert, grant, rewards, sessions, sweep;
};

struct PendingSummary {
  SessionSummaryRecord record;
  SummaryOutcome outcome;
  SessionStore::SummaryDone done;
};

class SqliteSessionStore final : public SessionStore {
 public:
  explicit SqliteSessionStore(Backend backend) : b_(std::move(backend)), sql_(b_) {}

  void put_summary(SessionSummaryRecord summary, SummaryDone done) override {
    make_distinct(summary.rewards);
    // One allocation per write. The writer calls `done` exactly once (refused or after its
    // batch), which frees the write; closures of two pointers fit std::function's own
    // storage, so neither allocates.
    auto* write = new PendingSummary{std::move(summary), {}, std::move(done)};
    b_.writer->submit_atomic(
        "put_summary",
        [this, write](Connection& c) { return apply_summary(c, write->record, &write->outcome); },
        [write](Status status) {
          std::unique_ptr<PendingSummary> owned(write);
          if (status.ok()) {
            owned->done(owned->outcome);
          } else {
            owned->done(std::move(status));
          }
        });
  }

  Result<std::vector<RewardRecord>> list_rewards(const std::string& player_id) override {
    return b_.reads->read<std::vector<RewardRecord>>(
        "list_rewards", [&](Connection& c) { return select_rewards(c, player_id); });
  }

  Result<SessionPage> list_sessions(const std::string& player_id, int64_t now_epoch,
                                    const std::string& cursor, size_t limit) override {
    if (limit == 0 || limit > 1000) return invalid_argument("limit must be between 1 and 1000");
    int64_t after_ms = INT64_MAX;
    std::string after_session;
    if (!cursor.empty() && !decode_cursor(cursor, &after_ms, &after_session)) {
      return invalid_argument("invalid cursor");
    }
    return b_.reads->read<SessionPage>("list_sessions", [&](Connection& c) {
      return select_sessions(c, player_id, now_epoch, after_ms, after_session, limit);
    });
  }

  Result<int64_t> sweep_expired_sessions(int64_t now_epoch, size_t max_rows) override {
    return write_count_sync(*b_.writer, "sweep_expired_sessions",
                            [this, now_epoch, max_rows](Connection& c) -> Result<int64_t> {
                              auto stmt = c.prepare(sql_.sweep);
                              if (!stmt.ok()) return stmt.status();
                              Stmt s(*stmt);
                              s.bind(1, now_epoch).bind(2, static_cast<int64_t>(max_rows));
                              int rc = s.step();
                              if (rc != SQLITE_DONE) return c.error(rc, "cannot sweep sessions");
                              return c.changes();
                            });
  }

 private:
  // Looks for an earlier recording of the same session. Sets *found and, when it matches
  // the new one, *outcome; a different one is kAlreadyExists.
  Status check_replay(Connection& c, const SessionSummaryRecord& r, bool* found,
                      SummaryOutcome* outcome) {
    auto stmt = c.prepare(sql_.find);
    if (!stmt.ok()) return stmt.status();
    Stmt s(*stmt);
    s.bind(1, r.player_id).bind(2, r.session_id);
    int rc = s.step();
    if (rc == SQLITE_DONE) {
      *found = false;
      return {};
    }
    if (rc != SQLITE_ROW) return c.error(rc, "cannot read session summary");
    *found = true;
    std::optional<int64_t> stored_end;
    if (!s.is_null(0)) stored_end = s.column_int64(0);
    std::optional<int64_t> new_end;
    if (r.end_time) new_end = to_epoch_ms(*r.end_time);
    auto stored_rewards = decode_rewards(s.column_text(1));
    if (stored_end != new_end || !same_set(stored_rewards, r.rewards)) {
      return Status(Code::kAlreadyExists,
                    "a different summary was already recorded for this playerId and sessionId");
    }
    *outcome = {static_cast<int64_t>(stored_rewards.size()), s.column_int64(2), true};
    return {};
  }

  // Sets *inserted to false when the session was recorded before (and leaves it as it was).
  Status insert_session(Connection& c, const SessionSummaryRecord& r, bool* inserted) {
    auto stmt = c.prepare(sql_.insert);
    if (!stmt.ok()) return stmt.status();
    Stmt s(*stmt);
    // The record outlives the statement's run: no copies of its strings.
    s.bind_unowned(1, r.player_id).bind_unowned(2, r.session_id);
    if (r.end_time) {
      s.bind(3, to_epoch_ms(*r.end_time));
    } else {
      s.bind_null(3);
    }
    encode_rewards(r.rewards, rewards_json_);
    s.bind_unowned(5, rewards_json_).bind(4, to_epoch_ms(r.ended_at)).bind(6, r.ttl);
    s.bind(7, to_epoch_ms(r.created_at));
    int rc = s.step();
    if (rc != SQLITE_DONE) return c.error(rc, "cannot store session summary");
    *inserted = c.changes() > 0;
    return {};
  }

  Status grant_rewards(Connection& c, const SessionSummaryRecord& r) {
    auto stmt = c.prepare(sql_.grant);
    if (!stmt.ok()) return stmt.status();
    for (const auto& reward : r.rewards) {
      Stmt s(*stmt);
      s.bind_unowned(1, r.player_id).bind_unowned(2, reward).bind_unowned(4, r.session_id);
      s.bind(3, to_epoch_ms(r.created_at));
      int rc = s.step();
      if (rc != SQLITE_DONE) return c.error(rc, "cannot store reward");
    }
    return {};
  }

  Status apply_summary(Connection& c, const SessionSummaryRecord& r, SummaryOutcome* outcome) {
    // A replay is rare: try the insert first and look at the stored summary only when the
    // session is already there, so that a new summary costs no separate lookup. Every
    // expected failure (a different summary, 409) comes before the first change, which is
    // what lets the writer run this without a savepoint.
    bool inserted = false;
    SAPI_RETURN_IF_ERROR(insert_session(c, r, &inserted));
    if (!inserted) {
      bool found = false;
      SAPI_RETURN_IF_ERROR(check_replay(c, r, &found, outcome));
      if (!found) return internal_error("a session summary vanished inside its transaction");
      return {};
    }
    SAPI_RETURN_IF_ERROR(grant_rewards(c, r));
    *outcome = {static_cast<int64_t>(r.rewards.size()), r.ttl, false};
    return {};
  }

  Result<std::vector<RewardRecord>> select_rewards(Connection& c, const std::string& player) {
    auto stmt = c.prepare(sql_.rewards);
    if (!stmt.ok()) return stmt.status();
    Stmt s(*stmt);
    s.bind(1, player);
    std::vector<RewardRecord> rewards;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      rewards.push_back({s.column_text(0), from_epoch_ms(s.column_int64(1)), s.column_text(2),
                         from_epoch_ms(s.column_int64(3)), s.column_text(4)});
    }
    if (rc != SQLITE_DONE) return c.error(rc, "cannot read rewards");
    return rewards;
  }

  Result<SessionPage> select_sessions(Connection& c, const std::string& player, int64_t now,
                                      int64_t after_ms, const std::string& after_session,
                                      size_t limit) {
    auto stmt = c.prepare(sql_.sessions);
    if (!stmt.ok()) return stmt.status();
    Stmt s(*stmt);
    // The first page starts after INT64_MAX ms, later than any real time.
    s.bind(1, player).bind(2, now).bind(3, after_ms).bind(4, after_session);
    s.bind(5, static_cast<int64_t>(limit + 1));
    SessionPage page;
    int rc;
    int64_t last_ended_ms = 0;
    while ((rc = s.step()) == SQLITE_ROW) {
      if (page.sessions.size() == limit) {  // one more row than asked: there is a next page
        page.next_cursor = encode_cursor(last_ended_ms, page.sessions.back().session_id);
        break;
      }
      SessionSummaryRecord r;
      r.player_id = player;
      r.session_id = s.column_text(0);
      if (!s.is_null(1)) r.end_time = from_epoch_ms(s.column_int64(1));
      last_ended_ms = s.column_int64(2);
      r.ended_at = from_epoch_ms(last_ended_ms);
      r.rewards = decode_rewards(s.column_text(3));
      r.ttl = s.column_int64(4);
      r.created_at = from_epoch_ms(s.column_int64(5));
      page.sessions.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return c.error(rc, "cannot read sessions");
    return page;
  }

  Backend b_;
  SessionSql sql_;
  std::string rewards_json_;  // writer thread only: reused for every insert
};

}  // namespace

std::unique_ptr<SessionStore> make_sqlite_session_store(Backend backend) {
  return std::make_unique<SqliteSessionStore>(std::move(backend));
}

}  // namespace sapi::store
