#pragma once

// Private parts of the Fleet shared by its implementation files.

#include <mutex>
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

// The servers as a selection sees them, kept between calls: rebuilt when servers come, go or
// change health, and updated in place when a server's seats change. Beside it, per location,
// how many healthy servers have each number of free slots (hence the most free slots on one
// of them) and the largest server: a match fits somewhere now exactly when some allowed
// location within the players' latency limit has a server with a free slot per player, and
// could ever fit when one has a server that large. So most waiting placements are turned
// down, and most timed-out ones told FAILED from TIMED_OUT, with a look at a few locations.
struct Fleet::Room {
  struct Location {
    std::string_view name;
    std::vector<int> healthy_with_free;  // [free slots] -> healthy servers
    int most_free = -1;                  // -1: no healthy server
    int largest = 0;                     // the most max_players of any server
    void add(int free);
    void remove(int free);
  };
  std::vector<Candidate> candidates;  // in servers_ order
  std::vector<const GameServer*> servers;
  std::vector<size_t> location_of;  // by candidate: index into locations
  std::vector<Location> locations;
  bool stale = true;

  void clear();
  // Appends a server (its views must outlive the room).
  void add(const GameServer& server, int used_slots);
  void set_used(size_t index, int used_slots);
};

struct Fleet::Waiter {
  std::optional<uint64_t> known_version;
  Clock::TimePoint deadline;
  SessionWaiter done;
};

// mu_ for a call from outside (the game-server API, placements, reads): counted while it
// waits, so that the tick thread lets it in between chunks of its work.
class Fleet::CallerLock {
 public:
  explicit CallerLock(const Fleet& fleet) : lock_(fleet.mu_, std::defer_lock) {
    if (lock_.try_lock()) return;
    fleet.callers_waiting_.fetch_add(1);
    lock_.lock();
    fleet.callers_waiting_.fetch_sub(1);
    fleet.callers_entered_.fetch_add(1);
  }

 private:
  std::unique_lock<std::mutex> lock_;
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
