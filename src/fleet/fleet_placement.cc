// The Fleet as a matchmaking::Placer: choosing servers, waiting for capacity, time-outs.

#include <algorithm>
#include <chrono>
#include <climits>
#include <thread>
#include <tuple>

#include "fleet/fleet.h"
#include "fleet/fleet_internal.h"
#include "matchmaking/ids.h"

namespace sapi::fleet {
namespace {

// The longest the tick thread stands aside for callers waiting for the mutex.
constexpr std::chrono::milliseconds kMaxLetIn{5};

using matchmaking::PlacementOutcome;
using matchmaking::PlacementPlayer;
using matchmaking::PlacementResult;

std::string_view outcome_name(PlacementOutcome outcome) {
  switch (outcome) {
    case PlacementOutcome::kFulfilled:
      return "FULFILLED";
    case PlacementOutcome::kTimedOut:
      return "TIMED_OUT";
    case PlacementOutcome::kFailed:
      return "FAILED";
  }
  return "FAILED";
}

matchmaking::ConnectionInfo connection_of(const GameSession& g,
                                          const std::vector<PlacementPlayer>& players) {
  matchmaking::ConnectionInfo c;
  c.game_session_arn = g.game_session_arn;
  c.ip_address = g.ip_address;
  c.dns_name = g.dns_name;
  c.port = g.port;
  for (const auto& player : players) {
    for (const auto& p : g.player_sessions) {
      if (p.player_id == player.player_id && (p.status == PlayerSessionStatus::kReserved ||
                                              p.status == PlayerSessionStatus::kActive)) {
        c.player_sessions.push_back({p.player_id, p.player_session_id});
        break;
      }
    }
  }
  return c;
}

PlayerSession reserve(GameSession& g, const std::string& player_id, Clock::TimePoint now) {
  PlayerSession p;
  p.player_session_id = "psess-" + matchmaking::random_uuid();
  p.player_id = player_id;
  p.game_session_id = g.game_session_id;
  p.status = PlayerSessionStatus::kReserved;
  p.reserved_at = now;
  return p;
}

}  // namespace

void Fleet::place(matchmaking::PlacementRequest request, Done done) {
  Deferred deferred;
  {
    CallerLock lock(*this);
    Clock::TimePoint now = clock_.now();
    if (pending_.count(request.placement_id) || request.players.empty()) {
      std::string why = request.players.empty()
                            ? "a placement needs at least one player"
                            : "placement " + request.placement_id + " is already running";
      deferred.push_back([done = std::move(done), id = request.placement_id, why] {
        done(PlacementResult{id, PlacementOutcome::kFailed, why, {}});
      });
    } else if (!request.game_session_arn.empty()) {
      place_backfill(std::move(request), std::move(done), deferred);
    } else {
      std::string name = request.queue.empty() ? "default" : request.queue;
      std::optional<QueueConfig> queue;
      if (options_.queue_named) {
        queue = options_.queue_named(name);
      } else if (name == kDefaultQueueName) {
        queue = default_queue();
      }
      if (!queue) {
        PlacementResult failed{request.placement_id,
                               PlacementOutcome::kFailed,
                               "no game session queue named " + name,
                               {}};
        if (metrics_) metrics_->placements.with({"FAILED"}).inc();
        deferred.push_back([done = std::move(done), failed]() { done(failed); });
      } else {
        auto pending = std::make_unique<Pending>();
        pending->queue = std::move(*queue);
        pending->started = now;
        pending->deadline = now + std::chrono::seconds(pending->queue.timeout_seconds);
        pending->request = std::move(request);
        pending->done = std::move(done);
        std::string id = pending->request.placement_id;
        pending->sequence = next_sequence_++;
        pending_order_.emplace(pending->sequence, pending.get());
        waiting_.emplace(pending->sequence, pending.get());
        pending_[id] = std::move(pending);
        // Through the pass over waiting placements, oldest first, so that a new match does
        // not take the room an older one is waiting for.
        retry_pending(deferred);
      }
    }
  }
  run_all(deferred);
}

void Fleet::abandon(const std::string& placement_id) {
  Deferred deferred;
  {
    CallerLock lock(*this);
    auto it = pending_.find(placement_id);
    if (it == pending_.end()) return;
    std::unique_ptr<Pending> pending = std::move(it->second);
    pending_.erase(it);
    pending_order_.erase(pending->sequence);
    waiting_.erase(pending->sequence);
    auto session = sessions_.find(pending->game_session_id);
    if (session != sessions_.end()) {
      session->second.placement_id.clear();
      terminate(session->second, deferred);
    }
    retry_pending(deferred);
  }
  run_all(deferred);
}

void Fleet::Room::Location::add(int free) {
  if (static_cast<size_t>(free) >= healthy_with_free.size()) healthy_with_free.resize(free + 1);
  ++healthy_with_free[free];
  most_free = std::max(most_free, free);
}

void Fleet::Room::Location::remove(int free) {
  --healthy_with_free[free];
  while (most_free >= 0 && healthy_with_free[most_free] == 0) --most_free;
}

namespace {

// Free slots as the per-location counts keep them: an over-full server has none.
int free_of(const Candidate& c) {
  return std::clamp(c.max_players - c.used_slots, 0, c.max_players);
}

}  // namespace

void Fleet::Room::clear() {
  candidates.clear();
  servers.clear();
  location_of.clear();
  locations.clear();
}

void Fleet::Room::add(const GameServer& server, int used_slots) {
  const auto& spec = server.spec;
  candidates.push_back({spec.game_server_id, spec.location, spec.max_players, used_slots,
                        server.health == Health::kHealthy});
  servers.push_back(&server);
  auto at = std::find_if(locations.begin(), locations.end(),
                         [&](const Location& l) { return l.name == spec.location; });
  if (at == locations.end()) {
    at = locations.insert(at, Location());
    at->name = spec.location;
  }
  location_of.push_back(static_cast<size_t>(at - locations.begin()));
  at->largest = std::max(at->largest, spec.max_players);
  if (candidates.back().healthy) at->add(free_of(candidates.back()));
}

void Fleet::Room::set_used(size_t index, int used_slots) {
  Candidate& c = candidates[index];
  Location& l = locations[location_of[index]];
  if (c.healthy) l.remove(free_of(c));
  c.used_slots = used_slots;
  if (c.healthy) l.add(free_of(c));
}

Fleet::Room& Fleet::room() {
  Room& r = *room_;
  if (!r.stale) return r;
  r.clear();
  r.candidates.reserve(servers_.size());
  r.servers.reserve(servers_.size());
  r.location_of.reserve(servers_.size());
  for (auto& [id, slots] : slots_) slots.room_index = Slots::kNoIndex;
  for (const auto& [id, server] : servers_) {
    Slots& slots = slots_[id];
    slots.room_index = r.candidates.size();
    r.add(server, slots.used);
  }
  r.stale = false;
  return r;
}

namespace {

// True when choose_server would choose a server for the match: the same tests, per location
// on the most free slots there instead of per server.
bool fits_somewhere(const Fleet::Room& room, const QueueConfig& queue,
                    const std::vector<PlacementPlayer>& players, double age_seconds) {
  const int n = static_cast<int>(players.size());
  std::optional<int> limit;
  bool limit_known = false;
  for (const auto& l : room.locations) {
    if (l.most_free < n) continue;
    const std::string_view location = l.name;
    if (!queue.locations.empty() && std::find(queue.locations.begin(), queue.locations.end(),
                                              location) == queue.locations.end()) {
      continue;
    }
    if (!limit_known) {
      limit = active_latency_limit(queue, age_seconds);
      limit_known = true;
    }
    if (!limit) return true;
    bool within = true;
    for (const auto& p : players) {
      for (const auto& l : p.latencies) {
        if (l.region != location) continue;
        within = within && l.ms <= *limit;
        break;
      }
      if (!within) break;
    }
    if (within) return true;
  }
  return false;
}

}  // namespace

Selection Fleet::select(const Pending& pending, const Room& room, Clock::TimePoint now) const {
  std::chrono::duration<double> age = now - pending.started;
  return choose_server(pending.queue, room.candidates, pending.request.players, age.count());
}

bool Fleet::try_place(Pending& pending, Room& room, Clock::TimePoint now, Deferred& deferred) {
  std::chrono::duration<double> age = now - pending.started;
  if (!fits_somewhere(room, pending.queue, pending.request.players, age.count())) return false;
  Selection chosen = select(pending, room, now);
  if (chosen.outcome != SelectionOutcome::kChosen) return false;
  const auto& players = pending.request.players;
  const GameServer& server = *room.servers[chosen.index];
  GameSession g;
  g.game_session_id = "gsess-" + matchmaking::random_uuid();
  g.game_session_arn = "arn:aws:gamelift:" + server.spec.location + "::gamesession/" +
                       options_.fleet_name + "/" + g.game_session_id;
  g.game_server_id = server.spec.game_server_id;
  g.location = server.spec.location;
  g.ip_address = server.spec.ip_address;
  g.dns_name = server.spec.dns_name;
  g.port = server.spec.port;
  g.maximum_player_session_count = server.spec.max_players;
  g.status = GameSessionStatus::kActivating;
  g.version = 0;  // changed() below makes it 1
  g.game_properties = pending.request.game_properties;
  g.game_session_data = pending.request.game_session_data;
  g.matchmaker_data = pending.request.matchmaker_data;
  g.configuration = pending.request.configuration;
  g.placement_id = pending.request.placement_id;
  g.access_key_id = server.access_key_id;
  g.created_at = now;
  for (const auto& player : players) {
    g.player_sessions.push_back(reserve(g, player.player_id, now));
    note_placed(player.player_id, server.access_key_id);
  }
  std::string id = g.game_session_id;
  pending.game_session_id = id;
  GameSession& stored = sessions_[id] = std::move(g);
  sessions_by_server_[stored.game_server_id].push_back(id);
  changed(stored, deferred);  // account() updates the room
  notify_server_waiters(stored.game_server_id, deferred);
  update_gauges();
  return true;
}

std::optional<uint64_t> Fleet::retry_from(uint64_t from, size_t budget, Deferred& deferred) {
  if (waiting_.empty()) return std::nullopt;
  Clock::TimePoint now = clock_.now();
  Room& r = room();
  size_t looked = 0;
  for (auto it = waiting_.lower_bound(from); it != waiting_.end();) {
    if (looked == budget) return it->first;
    ++looked;
    it = try_place(*it->second, r, now, deferred) ? waiting_.erase(it) : std::next(it);
  }
  return std::nullopt;
}

void Fleet::retry_pending(Deferred& deferred) { retry_from(0, kRetryBudget, deferred); }

void Fleet::retry_all_pending() {
  std::optional<uint64_t> from = 0;
  while (from) {
    let_callers_in();
    Deferred deferred;
    {
      std::lock_guard lock(mu_);
      from = retry_from(*from, kRetryChunk, deferred);
    }
    run_all(deferred);
  }
}

void Fleet::let_callers_in() const {
  int waiting = callers_waiting_.load();
  if (waiting == 0) return;
  // Until as many callers got in as were waiting (later ones count too: they got in before
  // this thread as well), or all of them did. Bounded, should a caller be descheduled.
  const uint64_t enough = callers_entered_.load() + static_cast<uint64_t>(waiting);
  const auto until = std::chrono::steady_clock::now() + kMaxLetIn;
  while (callers_waiting_.load() > 0 && callers_entered_.load() < enough &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
}

void Fleet::time_out_placements(Clock::TimePoint now, Deferred& deferred) {
  std::vector<std::string> due;
  for (const auto& [sequence, p] : pending_order_) {
    if (p->deadline <= now) due.push_back(p->request.placement_id);
  }
  if (due.empty()) return;
  // FAILED or TIMED_OUT depends only on each location's largest server: one table for all.
  std::vector<LocationSize> sizes;
  for (const Room::Location& l : room().locations) sizes.push_back({l.name, l.largest});
  for (const auto& id : due) {
    Pending& p = *pending_.at(id);
    auto session = sessions_.find(p.game_session_id);
    bool activating = session != sessions_.end();
    if (activating) {
      session->second.placement_id.clear();
      terminate(session->second, deferred);
    }
    PlacementResult result{id, PlacementOutcome::kTimedOut, "", {}};
    std::string timeout =
        std::to_string(p.queue.timeout_seconds) + " s (queue " + p.queue.name + ")";
    if (activating) {
      result.message = "the game server did not activate the game session within " + timeout;
    } else if (auto never = never_possible(p.queue, sizes, p.request.players)) {
      result.outcome = PlacementOutcome::kFailed;
      result.message = std::move(*never);
    } else {
      result.message = "no game server had room for " + std::to_string(p.request.players.size()) +
                       " players within " + timeout;
    }
    finish(id, std::move(result), deferred);
  }
}

void Fleet::finish(const std::string& placement_id, PlacementResult result, Deferred& deferred) {
  auto it = pending_.find(placement_id);
  if (it == pending_.end()) return;
  std::unique_ptr<Pending> pending = std::move(it->second);
  pending_.erase(it);
  pending_order_.erase(pending->sequence);
  waiting_.erase(pending->sequence);
  if (metrics_) {
    metrics_->placements.with({outcome_name(result.outcome)}).inc();
    std::chrono::duration<double> took = clock_.now() - pending->started;
    metrics_->placement_seconds.observe(took.count());
  }
  deferred.push_back(
      [done = std::move(pending->done), result = std::move(result)]() mutable { done(result); });
}

void Fleet::fulfil(GameSession& session, Deferred& deferred) {
  if (session.placement_id.empty()) return;
  std::string placement_id = std::move(session.placement_id);
  session.placement_id.clear();
  auto it = pending_.find(placement_id);
  if (it == pending_.end()) return;
  PlacementResult result{placement_id, PlacementOutcome::kFulfilled, "",
                         connection_of(session, it->second->request.players)};
  finish(placement_id, std::move(result), deferred);
}

void Fleet::placement_lost(GameSession& session, Deferred& deferred) {
  std::string placement_id = std::move(session.placement_id);
  session.placement_id.clear();
  auto it = pending_.find(placement_id);
  if (it != pending_.end()) {
    Pending& pending = *it->second;
    pending.game_session_id.clear();
    waiting_.emplace(pending.sequence, &pending);
  }
  (void)deferred;  // callers re-try waiting placements once their change is complete
}

void Fleet::place_backfill(matchmaking::PlacementRequest request, Done done, Deferred& deferred) {
  std::string id = game_session_id_of(request.game_session_arn);
  PlacementResult result{request.placement_id, PlacementOutcome::kFailed, "", {}};
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.status == GameSessionStatus::kTerminated) {
    result.message = "game session " + request.game_session_arn + " is not running";
  } else {
    GameSession& g = it->second;
    Clock::TimePoint now = clock_.now();
    int added = 0;
    for (const auto& player : request.players) {
      bool seated = std::any_of(
          g.player_sessions.begin(), g.player_sessions.end(), [&](const PlayerSession& p) {
            return p.player_id == player.player_id && (p.status == PlayerSessionStatus::kReserved ||
                                                       p.status == PlayerSessionStatus::kActive);
          });
      if (!seated) ++added;
    }
    auto server = servers_.find(g.game_server_id);
    bool room = server != servers_.end() && free_slots(server->second) >= added &&
                g.seats_in_use() + added <= g.maximum_player_session_count;
    if (!room) {
      result.message = "game session " + g.game_session_id + " has no room for " +
                       std::to_string(added) + " more players";
    } else {
      for (const auto& player : request.players) {
        auto c = connection_of(g, {player});
        if (c.player_sessions.empty()) {
          g.player_sessions.push_back(reserve(g, player.player_id, now));
          note_placed(player.player_id, g.access_key_id);
        }
      }
      // The game server reads who is on which team from the latest matchmaker data.
      if (!request.matchmaker_data.empty()) g.matchmaker_data = request.matchmaker_data;
      changed(g, deferred);
      result.outcome = PlacementOutcome::kFulfilled;
      result.connection = connection_of(g, request.players);
    }
  }
  if (metrics_) metrics_->placements.with({outcome_name(result.outcome)}).inc();
  deferred.push_back(
      [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
}

}  // namespace sapi::fleet
