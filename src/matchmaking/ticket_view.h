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
  // Counts changes: a long-poll waits for a version above the one it saw.
  uint64_t version = 0;

  bool has_player(std::string_view player_id) const;
};

// The ticket as the store keeps it (the `state` blob of a TicketRecord), and back. Attributes
// are kept in GameLift's encoding, decoded against `rules` when read.
std::string serialize_state(const TicketView& t, const flexmatch::RuleSet* rules);
Result<TicketView> deserialize_state(std::string_view state, const flexmatch::RuleSet* rules);

}  // namespace sapi::matchmaking
