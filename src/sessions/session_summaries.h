#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "sessions/rewards_catalogue.h"
#include "sessions/summary.h"
#include "store/session_store.h"

namespace sapi::sessions {

struct SessionsOptions {
  // A session expires this long after it ended (the original's 72 hours).
  int session_ttl_hours = 72;
  // When set, summaries may only grant the rewards it lists.
  std::optional<RewardsCatalogue> catalogue;
};

// The answer to a recorded summary (the body of the 200).
struct SummaryReceipt {
  std::string player_id;
  std::string session_id;
  int64_t rewards_stored = 0;  // distinct reward ids of the summary
  int64_t ttl = 0;             // epoch seconds
  bool replayed = false;       // the same summary had been recorded before
};

// Session summaries and rewards: the rules between the API and the store.
class SessionSummaries {
 public:
  using RecordDone = std::function<void(Result<SummaryReceipt>)>;

  SessionSummaries(store::SessionStore& store, const Clock& clock, SessionsOptions options);

  // The first reward id of `summary` that the catalogue does not list (the API answers
  // INVALID_REWARD_ID naming it). Never anything without a catalogue.
  std::optional<std::string> unknown_reward(const SessionSummary& summary) const;

  // Records a parsed summary with ttl = floor(epoch(endTime or now)) + session_ttl_hours,
  // and calls `done` (from a store thread) once it is durable. A replay of a
  // recorded summary gets the same receipt and changes nothing; a different summary for a
  // recorded (playerId, sessionId) is kAlreadyExists. An unknown reward is
  // kInvalidArgument (check unknown_reward() first for a precise answer).
  void record(SessionSummary summary, RecordDone done);
  Result<SummaryReceipt> record_sync(SessionSummary summary);

  // Every reward the player holds, ordered by reward id.
  Result<std::vector<store::RewardRecord>> rewards(const std::string& player_id);

  // A page of the player's unexpired sessions, newest first; `cursor` from the previous page
  // (empty for the first). A bad cursor or limit is kInvalidArgument.
  Result<store::SessionPage> sessions(const std::string& player_id, const std::string& cursor,
                                      size_t limit);

 private:
  store::SessionStore& store_;
  const Clock& clock_;
  SessionsOptions options_;
};

}  // namespace sapi::sessions
