#include "fleet/selection.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>
#include <optional>
#include <vector>

namespace sapi::fleet {
namespace {

constexpr int kNotAllowed = -1;

// What the players think of one location, computed once per location per choice: a fleet
// has far fewer locations than servers.
struct LocationView {
  std::string_view location;
  int rank = 0;          // position in the queue's locations; kNotAllowed when outside
  int max_latency = -1;  // highest reported latency; -1 when nobody reported one
  // Over the players who reported one; infinite when nobody did, so that a location known to
  // be good beats one nobody measured.
  double avg_latency = std::numeric_limits<double>::infinity();
};

class LocationViews {
 public:
  LocationViews(const QueueConfig& queue, std::span<const matchmaking::PlacementPlayer> players)
      : queue_(queue), players_(players) {
    views_.reserve(16);
  }

  const LocationView& of(std::string_view location) {
    // Servers usually arrive grouped by location, so the last answer is the likeliest.
    if (last_ < views_.size() && views_[last_].location == location) return views_[last_];
    for (size_t i = 0; i < views_.size(); ++i) {
      if (views_[i].location == location) {
        last_ = i;
        return views_[i];
      }
    }
    views_.push_back(compute(location));
    last_ = views_.size() - 1;
    return views_.back();
  }

 private:
  LocationView compute(std::string_view location) const {
    LocationView v{location};
    v.rank = queue_.locations.empty() ? 0 : kNotAllowed;
    for (size_t i = 0; i < queue_.locations.size(); ++i) {
      if (queue_.locations[i] == location) {
        v.rank = static_cast<int>(i);
        break;
      }
    }
    int64_t sum = 0;
    int count = 0;
    for (const auto& p : players_) {
      for (const auto& l : p.latencies) {
        if (l.region != location) continue;
        sum += l.ms;
        ++count;
        v.max_latency = std::max(v.max_latency, l.ms);
        break;
      }
    }
    if (count > 0) v.avg_latency = static_cast<double>(sum) / count;
    return v;
  }

  const QueueConfig& queue_;
  std::span<const matchmaking::PlacementPlayer> players_;
  std::vector<LocationView> views_;
  size_t last_ = 0;
};

bool within(const LocationView& v, const std::optional<int>& limit) {
  return !limit || v.max_latency <= *limit;
}

std::string where(const QueueConfig& queue) {
  if (queue.locations.empty()) return "any location";
  return fmt::format("locations {}", fmt::join(queue.locations, ", "));
}

// Why no server can ever take a match of `n` players: none large enough in the queue's
// locations, or none of those within the loosest latency limit.
std::string never_reason(const QueueConfig& queue, int n, bool big_enough,
                         const std::optional<int>& loosest) {
  if (big_enough) {
    return fmt::format(
        "no game server in {} that can host {} players is within {} ms of every player",
        where(queue), n, loosest.value_or(0));
  }
  return fmt::format("no game server can host {} players in {}", n, where(queue));
}

// True when `a` is a better home for the match than `b`.
bool better(const LocationView& a, int a_free, const LocationView& b, int b_free) {
  if (a.avg_latency != b.avg_latency) return a.avg_latency < b.avg_latency;
  if (a.rank != b.rank) return a.rank < b.rank;
  return a_free < b_free;
}

// The best qualifying candidate now, if any. The cheap tests come first: most servers of a
// busy fleet fail on free slots.
std::optional<size_t> best_candidate(std::span<const Candidate> candidates, int n,
                                     const std::optional<int>& limit, LocationViews& views) {
  std::optional<size_t> best;
  LocationView best_view;  // a copy: the views may move as new locations come in
  int best_free = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    const int free = c.max_players - c.used_slots;
    if (!c.healthy || free < n) continue;
    const LocationView& v = views.of(c.location);
    if (v.rank == kNotAllowed || !within(v, limit)) continue;
    if (!best || better(v, free, best_view, best_free)) {
      best = i;
      best_view = v;
      best_free = free;
    }
  }
  return best;
}

}  // namespace

Selection choose_server(const QueueConfig& queue, std::span<const Candidate> candidates,
                        std::span<const matchmaking::PlacementPlayer> players, double age_seconds) {
  const int n = static_cast<int>(players.size());
  LocationViews views(queue, players);
  Selection s;
  if (auto best = best_candidate(candidates, n, active_latency_limit(queue, age_seconds), views)) {
    s.outcome = SelectionOutcome::kChosen;
    s.index = *best;
    return s;
  }
  const std::optional<int> loosest = loosest_latency_limit(queue);
  bool big_enough = false;  // some server in an allowed location has room for the match
  for (const Candidate& c : candidates) {
    if (c.max_players < n) continue;
    const LocationView& v = views.of(c.location);
    if (v.rank == kNotAllowed) continue;
    big_enough = true;
    if (within(v, loosest)) {
      s.outcome = SelectionOutcome::kNoCapacityNow;
      s.reason = fmt::format(
          "no game server in {} has {} free slots within the players' latency limit now",
          where(queue), n);
      return s;
    }
  }
  s.outcome = SelectionOutcome::kNeverPossible;
  s.reason = never_reason(queue, n, big_enough, loosest);
  return s;
}

std::optional<std::string> never_possible(const QueueConfig& queue,
                                          std::span<const LocationSize> locations,
                                          std::span<const matchmaking::PlacementPlayer> players) {
  const int n = static_cast<int>(players.size());
  LocationViews views(queue, players);
  const std::optional<int> loosest = loosest_latency_limit(queue);
  bool big_enough = false;
  for (const LocationSize& l : locations) {
    if (l.largest < n) continue;
    const LocationView& v = views.of(l.location);
    if (v.rank == kNotAllowed) continue;
    big_enough = true;
    if (within(v, loosest)) return std::nullopt;
  }
  return never_reason(queue, n, big_enough, loosest);
}

}  // namespace sapi::fleet
