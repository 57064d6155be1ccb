#pragma once

// The choice of a game server for a match: a pure function of the queue, the registered
// servers and the players' latencies, so the fleet can call it under its lock and tests and
// benchmarks can call it alone. The rules are in docs/placement.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fleet/queue.h"
#include "matchmaking/placement.h"

namespace sapi::fleet {

// A registered game server as the choice sees it. The views must outlive the call.
struct Candidate {
  std::string_view id;
  std::string_view location;
  int max_players = 0;
  int used_slots = 0;  // reserved and active player sessions
  bool healthy = true;
};

enum class SelectionOutcome : uint8_t {
  kChosen,         // `index` is the server to place on
  kNoCapacityNow,  // some registered server could take the match were it free (or healthy,
                   // or the latency limit looser): wait for capacity
  kNeverPossible,  // no registered server could ever take it within the queue's time-out
};

struct Selection {
  SelectionOutcome outcome = SelectionOutcome::kNeverPossible;
  size_t index = 0;    // into the candidates, for kChosen
  std::string reason;  // for the others, e.g. "no game server can host 12 players in ..."
};

// Chooses among `candidates` the server for `players`, `age_seconds` after the placement
// started. A candidate qualifies when it is healthy, in one of the queue's locations (any
// when the queue names none), has a free slot per player, and every player who reports a
// latency to its location is within the active policy's limit (players do not constrain
// locations they report nothing for). Among qualifying candidates: the lowest average
// reported latency (a location nobody reported comes after every reported one), then the earliest
// location in the queue's list, then the fewest free slots (packing), then the first in
// `candidates`. Linear in candidates and in players times their reported regions.
Selection choose_server(const QueueConfig& queue, std::span<const Candidate> candidates,
                        std::span<const matchmaking::PlacementPlayer> players, double age_seconds);

// A location of the fleet as a whole: the most players any one of its servers (healthy or
// not, full or not) can host.
struct LocationSize {
  std::string_view location;
  int largest = 0;
};

// choose_server's verdict on a match whose time is up, from each location's largest server
// instead of every server: the kNeverPossible reason when no registered server could ever
// take the match, nullopt when some could. The same answer as choose_server for candidates
// of these locations and largest sizes; linear in locations and in players times their
// reported regions, so a mass time-out costs no scan of the servers per placement.
std::optional<std::string> never_possible(const QueueConfig& queue,
                                          std::span<const LocationSize> locations,
                                          std::span<const matchmaking::PlacementPlayer> players);

}  // namespace sapi::fleet
