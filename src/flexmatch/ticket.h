#pragma once

// Matchmaking tickets as the match builders and the checker see them: already decoded against
// one rule set, so that attribute look-ups are by declared index.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "flexmatch/attribute.h"

namespace sapi::flexmatch {

inline constexpr size_t kMaxPlayersPerTicket = 10;
inline constexpr size_t kMaxPlayersPerBackfillTicket = 199;

// A player's measured latency to one region (the request's `LatencyInMs`).
struct RegionLatency {
  std::string region;
  int ms = 0;
  bool operator==(const RegionLatency&) const = default;
};

struct Player {
  std::string id;
  // One value per declared attribute, indexed like RuleSet::attributes; defaults already
  // applied. An absent value (no default, not sent) means the player can never match.
  std::vector<AttributeValue> attributes;
  // Sorted by region, one entry per region. Empty when the request carried no latency data.
  std::vector<RegionLatency> latencies;
  // The team the player must be on, as an index into RuleSet::teams. Set for the players of
  // a backfill ticket who are already in the game (their current team).
  std::optional<int> team;

  // Latency to `region`, if reported.
  std::optional<int> latency_to(std::string_view region) const;
};

struct Ticket {
  std::string id;
  // 1..10 players (a party), placed whole on one team. Backfill tickets are the exception:
  // they may hold up to 199 players, each already on a team.
  std::vector<Player> players;
  Clock::TimePoint submitted{};
  // A backfill ticket stands for a running game: every player carries `team`, the team they
  // already play on (the existing match's teams). A potential match never holds two backfill
  // tickets, and never a backfill ticket alone.
  bool backfill = false;

  // Seconds since submission at `now` (never negative).
  double age_seconds(Clock::TimePoint now) const {
    auto d = std::chrono::duration<double>(now - submitted).count();
    return d < 0 ? 0 : d;
  }
  size_t size() const { return players.size(); }
};

}  // namespace sapi::flexmatch
