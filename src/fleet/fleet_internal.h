#pragma once

// Private parts of the Fleet shared by its implementation files.

#include <string>

#include "fleet/fleet.h"
#include "obs/metrics.h"

namespace sapi::fleet {

struct Fleet::Pending {
  matchmaking::PlacementRequest request;
  Done done;
  QueueConfig queue;
  Clock::TimePoint started;
  Clock::TimePoint deadline;
  std::string game_session_id;  // set while a game session ACTIVATING holds the match
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
