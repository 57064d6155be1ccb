#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/status.h"

namespace sapi::store {

// One player's summary of one game session, as the sessions domain has validated it.
struct SessionSummaryRecord {
  std::string player_id;
  std::string session_id;
  // The end time the game server reported, if it reported one.
  std::optional<Clock::TimePoint> end_time;
  // The session's end as used for ordering: end_time, or the time of the request.
  Clock::TimePoint ended_at;
  // Reward ids, distinct, in the order the game server listed them.
  std::vector<std::string> rewards;
  // Epoch seconds after which the session is expired and never returned again.
  int64_t ttl = 0;
  Clock::TimePoint created_at;
};

// What recording a summary produced; a replay gets the outcome of the first recording.
struct SummaryOutcome {
  int64_t rewards_stored = 0;  // distinct reward ids of the summary
  int64_t ttl = 0;
  bool replayed = false;  // true when the summary had been recorded before
};

// A reward a player holds. The first grant is kept; the latest is recorded beside it.
struct RewardRecord {
  std::string reward_id;
  Clock::TimePoint granted_at;
  std::string session_id;
  Clock::TimePoint last_granted_at;
  std::string last_session_id;
};

// One page of a player's unexpired sessions, newest first.
struct SessionPage {
  std::vector<SessionSummaryRecord> sessions;
  // Opaque; pass it back to get the next page. Empty when there is none.
  std::string next_cursor;
};

// Player session summaries (expire) and the rewards they grant (never expire).
class SessionStore {
 public:
  using SummaryDone = std::function<void(Result<SummaryOutcome>)>;

  virtual ~SessionStore() = default;

  // Records a summary and its rewards in one durable write and calls `done` (from the
  // writer thread or its sync stage) once it is durable, or with the error that prevented it.
  // Idempotent: when (player_id, session_id) is already recorded with the same end_time and the
  // same set of rewards, nothing changes and `done` gets the stored outcome with replayed=true.
  // When it is recorded with a different end_time or rewards, `done` gets kAlreadyExists
  // and nothing changes. A reward the player already holds keeps its first grant; only its
  // latest grant is updated.
  virtual void put_summary(SessionSummaryRecord summary, SummaryDone done) = 0;

  // put_summary() that waits for the outcome; for tests and tools.
  Result<SummaryOutcome> put_summary_sync(SessionSummaryRecord summary);

  // Every reward the player holds, ordered by reward id.
  virtual Result<std::vector<RewardRecord>> list_rewards(const std::string& player_id) = 0;

  // The player's sessions with ttl > now_epoch, newest (ended_at) first, at most `limit`
  // (1..1000), starting after `cursor` (empty for the first page). A malformed cursor is
  // kInvalidArgument.
  virtual Result<SessionPage> list_sessions(const std::string& player_id, int64_t now_epoch,
                                            const std::string& cursor, size_t limit) = 0;

  // Deletes at most `max_rows` sessions with ttl <= now_epoch and returns how many it
  // deleted; call again while it returns max_rows.
  virtual Result<int64_t> sweep_expired_sessions(int64_t now_epoch, size_t max_rows) = 0;
};

}  // namespace sapi::store
