#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace sapi::sessions {

// What a game server reports when one player's session ends (POST /session-summary).
struct SessionSummary {
  std::string player_id;             // 1..1024 characters
  std::string session_id;            // 1..128 characters
  std::vector<std::string> rewards;  // distinct, in the order first listed
  std::optional<Clock::TimePoint> end_time;
};

inline constexpr size_t kMaxPlayerIdChars = 1024;
inline constexpr size_t kMaxSessionIdChars = 128;
inline constexpr size_t kMaxRewards = 100;
inline constexpr size_t kMaxRewardIdChars = 128;

// The message the original service answered for a missing playerId or sessionId; clients
// may match on it.
inline constexpr const char* kIdsRequired = "playerId and sessionId are required";

// Whether `id` is a well-formed reward id: [A-Za-z0-9_.:-]{1,128}.
bool is_valid_reward_id(std::string_view id);

// Reads and validates a request body. Every problem is kInvalidArgument with a message fit
// for the client:
// - `playerId` and `sessionId` must be non-empty strings (else kIdsRequired), of at most
//   1024 and 128 characters, without control characters (U+0000-U+001F, U+007F);
// - `rewards`, when present, an array of at most 100 well-formed reward ids; an id listed
//   twice is kept once;
// - `endTime`, when present, an ISO-8601 date-time (see iso8601.h) between
//   2000-01-01T00:00:00Z and one day after `now` (clocks of game servers drift, but not
//   by days).
// Unknown fields are ignored, as the original service did.
Result<SessionSummary> parse_summary(const boost::json::value& body, Clock::TimePoint now);

}  // namespace sapi::sessions
