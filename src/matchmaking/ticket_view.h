#pragma once

// A matchmaking ticket as readers see it: the status, why, and what the match gave each
// player. Immutable once published; the matchmaking thread publishes a new one per change.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"
#include "matchmaking/placement.h"

namespace sapi::matchmaking {

// FlexMatch's eight statuses.
enum class TicketStatus : uint8_t {
  kQueued,
  kSearching,
  kRequiresAcceptance,
  kPlacing,
  kCompleted,
  kFailed,
  kCancelled,
  kTimedOut,
};

std::string_view status_name(TicketStatus s);  // "QUEUED", ...
std::optional<TicketStatus> parse_status(std::string_view name);
// COMPLETED, FAILED, CANCELLED and TIMED_OUT: no further transitions.
bool is_final(TicketStatus s);

// statusReason values (docs/matchmaking.md).
inline constexpr std::string_view kReasonCancelled = "CANCELLED";
inline constexpr std::string_view kReasonReplaced = "REPLACED";
inline constexpr std::string_view kReasonAcceptanceRejected = "ACCEPTANCE_REJECTED";
inline constexpr std::string_view kReasonAcceptanceTimedOut = "ACCEPTANCE_TIMED_OUT";
inline constexpr std::string_view kReasonAcceptanceFailed = "ACCEPTANCE_FAILED";
inline constexpr std::string_view kReasonRequestTimedOut = "REQUEST_TIMED_OUT";
inline constexpr std::string_view kReasonUnmatchable = "UNMATCHABLE";
inline constexpr std::string_view kReasonMatched = "MATCHED";
inline constexpr std::string_view kReasonPlacementTimedOut = "PLACEMENT_TIMED_OUT";
inline constexpr std::string_view kReasonPlacementFailed = "PLACEMENT_FAILED";
inline constexpr std::string_view kReasonPlacementCancelled = "PLACEMENT_CANCELLED";

struct PlayerView {
  std::string player_id;
  std::string team;               // set once matched
  std::string player_session_id;  // set once matched: psess-<ticket>-<n>
  std::optional<bool> accepted;   // while acceptance is pending or after it
  // The request's attributes and latencies, kept to re-queue and to restore after a restart.
  flexmatch::Player decoded;
};

struct TicketView {
  std::string ticket_id;
  std::string configuration;
  std::string owner_player_id;  // the player who started it
  TicketStatus status = TicketStatus::kQueued;
  std::string status_reason;
  std::string status_message;
  Clock::TimePoint start_time{};
  std::optional<Clock::TimePoint> end_time;
  std::optional<int> estimated_wait_seconds;
  std::string match_id;
  std::vector<PlayerView> players;
  // WITH_QUEUE, once COMPLETED: the game session the players join, with this ticket's
  // player sessions.
  std::optional<ConnectionInfo> connection;
  // A backfill ticket has no owning player: it stands for the running game session
  // `game_session_arn`, and its players (already in the game) keep their `team`.
  bool backfill = false;
  std::string game_session_arn;
  // The rule set its players' attributes were decoded with, when that may not be the
  // lifecycle's (a reload happened meanwhile); null: the lifecycle's. Rule sets live as long
  // as the service.
  const flexmatch::RuleSet* decoded_with = nullptr;
  // Counts changes: a long-poll waits for a version above the one it saw.
  uint64_t version = 0;

  bool has_player(std::string_view player_id) const;
};

// Forgets the match the ticket was in (match id, teams, player sessions, acceptance,
// connection) before it searches again; a backfill ticket's players keep their team.
void clear_match(TicketView& t);

// The ticket as the store keeps it (the `state` blob of a TicketRecord), and back
// (ticket_state.cc). Written in a compact binary form; JSON states written by earlier releases
// are still read. Attributes are kept by name and type, decoded against `rules` when read
// (defaults for missing ones; a stored type that differs from the declared one is an error);
// with null `rules` the players come back without attributes. Corrupt input is an error.
std::string serialize_state(const TicketView& t, const flexmatch::RuleSet* rules);
Result<TicketView> deserialize_state(std::string_view state, const flexmatch::RuleSet* rules);

}  // namespace sapi::matchmaking
