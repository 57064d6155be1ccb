#pragma once

// Private parts of the Fleet shared by its implementation files.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fleet/fleet.h"
#include "obs/metrics.h"

namespace sapi::fleet {

struct Fleet::Pending {
  matchmaking::PlacementRequest request;
  Done done;
  QueueConfig queue;
  Clock::TimePoint started;
  Clock::TimePoint deadline;
  uint64_t sequence = 0;        // order of arrival: key in pending_order_
  std::string game_session_id;  // set while a game session ACTIVATING holds the match
};

// The servers as a selection sees them, built once per pass over the waiting placements and
// updated in place when a placement takes slots, and the most free slots on one healthy
// server per location. A match fits somewhere exactly when some allowed location within the
// players' latency limit has a server with a free slot per player, so most waiting
// placements are turned down with a look at a handful of locations.
struct Fleet::Room {
  std::vector<Candidate> candidates;  // in servers_ order
  std::vector<const GameServer*> servers;
  std::vector<std::pair<std::string_view, int>> most_free;  // location -> most free slots
  void recount(std::string_view location);
};

struct Fleet::Waiter {
  std::string id;  // game server id or game session id
  std::optional<uint64_t> known_version;
  Clock::TimePoint deadline;
  SessionWaiter done;
};

struct Fleet::Metrics {
  explicit Metrics(obs::Registry& registry);
  obs::Gauge& servers;
  obs::GaugeFamily& sessions;      // by status
  obs::CounterFamily& placements;  // by outcome
  obs::Histogram& placement_seconds;
  obs::Counter& reaped;
};

}  // namespace sapi::fleet
