#include "fleet/fleet.h"

#include <fmt/format.h>

#include <algorithm>

#include "fleet/fleet_internal.h"
#include "fleet/records.h"
#include "matchmaking/ids.h"

namespace sapi::fleet {
namespace {

constexpr std::chrono::seconds kPurgeInterval{60};
constexpr size_t kPurgeBatch = 1000;

}  // namespace

Fleet::Metrics::Metrics(obs::Registry& registry)
    : servers(registry.gauge("fleet_game_servers", "Registered game servers.").with({})),
      sessions(
          registry.gauge("fleet_game_sessions", "Game sessions in memory by status.", {"status"})),
      placements(registry.counter("fleet_placements_total",
                                  "Placements ended, by outcome (FULFILLED, TIMED_OUT, FAILED).",
                                  {"outcome"})),
      placement_seconds(
          registry
              .histogram("fleet_placement_seconds", "Time from a placement's start to its end.", {})
              .with({})),
      reaped(registry
                 .counter("fleet_game_servers_reaped_total",
                          "Game servers taken out after missing their heartbeats.")
                 .with({})) {}

Fleet::Fleet(FleetOptions options, store::FleetStore* store, const Clock& clock,
             obs::Registry* metrics)
    : options_(std::move(options)),
      store_(store),
      clock_(clock),
      metrics_(metrics ? std::make_unique<Metrics>(*metrics) : nullptr),
      room_(std::make_unique<Room>()),
      on_terminated_(options_.on_game_session_terminated) {}

Result<std::unique_ptr<Fleet>> Fleet::create(FleetOptions options, store::FleetStore* store,
                                             const Clock& clock, obs::Registry* metrics) {
  std::unique_ptr<Fleet> fleet(new Fleet(std::move(options), store, clock, metrics));
  SAPI_RETURN_IF_ERROR(fleet->restore());
  if (fleet->options_.run_threads) fleet->thread_ = std::thread([f = fleet.get()] { f->run(); });
  return fleet;
}

Fleet::~Fleet() { stop(); }

void Fleet::set_on_game_session_terminated(std::function<void(const std::string&)> hook) {
  std::vector<std::string> unheard;
  {
    CallerLock lock(*this);
    on_terminated_ = hook;
    unheard.swap(ended_unheard_);
  }
  if (hook) {
    for (const auto& arn : unheard) hook(arn);
  }
}

Status Fleet::restore() {
  if (!store_) return {};
  auto servers = store_->list_game_servers();
  if (!servers.ok()) return servers.status();
  auto sessions = store_->list_active_game_sessions();
  if (!sessions.ok()) return sessions.status();
  std::lock_guard lock(mu_);
  Clock::TimePoint now = clock_.now();
  for (const auto& record : *servers) {
    auto server = decode_server(record.state);
    if (!server.ok()) return server.status();
    // A restored server gets a whole heartbeat time-out to show it is still there.
    server->last_heartbeat = now;
    servers_[server->spec.game_server_id] = std::move(*server);
  }
  Deferred deferred;
  for (const auto& record : *sessions) {
    auto session = decode_session(record.state);
    if (!session.ok()) return session.status();
    std::string id = session->game_session_id;
    for (const auto& p : session->player_sessions) {
      note_placed(p.player_id, session->access_key_id);
    }
    GameSession& g = sessions_[id] = std::move(*session);
    g.stored = true;
    account(g);
    if (g.status == GameSessionStatus::kTerminated) {
      ended_order_.emplace_back(g.ended_at, id);
      continue;
    }
    sessions_by_server_[g.game_server_id].push_back(id);
    // Its placement died with the previous process; the tickets are searching again.
    if (g.status == GameSessionStatus::kActivating || !servers_.count(g.game_server_id)) {
      g.placement_id.clear();
      terminate(g, deferred);
      if (!on_terminated_) ended_unheard_.push_back(g.game_session_arn);
    }
  }
  update_gauges();
  next_purge_ = now;
  run_all(deferred);
  return {};
}

void Fleet::run_all(Deferred& deferred) {
  for (auto& f : deferred) f();
  deferred.clear();
}

void Fleet::acknowledge_unchanged(store::WriteDone durable, Deferred& deferred) {
  if (durable) deferred.push_back([durable = std::move(durable)] { durable({}); });
}

void Fleet::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.tick_interval);
    if (stopping_) break;
    lock.unlock();
    tick();
    lock.lock();
  }
}

void Fleet::stop() {
  Deferred deferred;
  {
    CallerLock lock(*this);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    for (auto* waiters : {&server_waiters_, &session_waiters_}) {
      for (auto& [id, list] : *waiters) {
        for (auto& w : list) {
          deferred.push_back([done = std::move(w.done)] { done(std::optional<GameSession>()); });
        }
      }
      waiters->clear();
    }
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  run_all(deferred);
}

// ---- lookups, mu_ held -------------------------------------------------------------------

Result<GameServer*> Fleet::owned_server(const std::string& key, const std::string& id) {
  auto it = servers_.find(id);
  if (it == servers_.end()) return not_found("game server " + id + " is not registered");
  if (it->second.access_key_id != key) {
    return permission_denied("game server " + id + " belongs to another access key");
  }
  return &it->second;
}

Result<const GameSession*> Fleet::owned_session(const std::string& key,
                                                const std::string& id) const {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return not_found("game session " + id + " not found");
  if (it->second.access_key_id != key) {
    return permission_denied("game session " + id + " belongs to another game server's key");
  }
  return &it->second;
}

Result<GameSession*> Fleet::owned_session(const std::string& key, const std::string& id) {
  auto found = std::as_const(*this).owned_session(key, id);
  if (!found.ok()) return found.status();
  return const_cast<GameSession*>(*found);
}

int Fleet::free_slots(const GameServer& server) const {
  auto it = slots_.find(server.spec.game_server_id);
  return server.spec.max_players - (it == slots_.end() ? 0 : it->second.used);
}

void Fleet::note_placed(const std::string& player_id, const std::string& access_key_id) {
  auto key = key_numbers_.try_emplace(access_key_id, static_cast<uint32_t>(key_numbers_.size()));
  const uint32_t number = key.first->second;
  auto& keys = placed_players_[player_id];
  auto at =
      std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.first == number; });
  if (at == keys.end()) {
    keys.emplace_back(number, 1);
  } else {
    ++at->second;
  }
}

void Fleet::forget_placed(const GameSession& session) {
  auto key = key_numbers_.find(session.access_key_id);
  if (key == key_numbers_.end()) return;
  for (const auto& p : session.player_sessions) {
    auto player = placed_players_.find(p.player_id);
    if (player == placed_players_.end()) continue;
    auto& keys = player->second;
    auto at = std::find_if(keys.begin(), keys.end(),
                           [&](const auto& k) { return k.first == key->second; });
    if (at != keys.end() && --at->second == 0) keys.erase(at);
    if (keys.empty()) placed_players_.erase(player);
  }
}

void Fleet::account(GameSession& g) {
  int seats = g.status == GameSessionStatus::kTerminated ? 0 : g.seats_in_use();
  if (seats != g.accounted_seats) {
    Slots& slots = slots_[g.game_server_id];
    slots.used += seats - g.accounted_seats;
    g.accounted_seats = seats;
    if (slots.room_index != Slots::kNoIndex && !room_->stale) {
      room_->set_used(slots.room_index, slots.used);
    }
  }
  int status = static_cast<int>(g.status);
  if (status != g.accounted_status) {
    if (g.accounted_status >= 0) --status_counts_[g.accounted_status];
    ++status_counts_[status];
    g.accounted_status = status;
  }
}

// ---- changes, mu_ held -------------------------------------------------------------------

void Fleet::persist_server(const GameServer& server, store::WriteDone durable) {
  if (store_) {
    store_->put_game_server({server.spec.game_server_id, encode_server(server), clock_.now()},
                            std::move(durable));
  } else if (durable) {
    durable({});
  }
}

void Fleet::persist_session(GameSession& session, store::WriteDone durable) {
  // A session still ACTIVATING would not survive a restart anyway (its placement dies with
  // the process), so it is first written when it becomes ACTIVE: one write fewer per match.
  // A TERMINATED one is never read back (a restart restores running sessions only), so its
  // row is removed rather than rewritten.
  const bool terminated = session.status == GameSessionStatus::kTerminated;
  if (store_ && terminated && session.stored) {
    session.stored = false;
    store_->remove_game_session(session.game_session_id, std::move(durable));
  } else if (store_ && !terminated &&
             (session.status == GameSessionStatus::kActive || session.stored)) {
    session.stored = true;
    store::GameSessionRecord record;
    record.id = session.game_session_id;
    record.game_server_id = session.game_server_id;
    record.status = std::string(status_name(session.status));
    record.finished = false;
    record.state = encode_session(session);
    record.updated_at = clock_.now();
    store_->put_game_session(std::move(record), std::move(durable));
  } else if (durable) {
    durable({});
  }
}

void Fleet::changed(GameSession& session, Deferred& deferred, store::WriteDone durable) {
  ++session.version;
  account(session);
  persist_session(session, std::move(durable));
  auto waiting = session_waiters_.find(session.game_session_id);
  if (waiting == session_waiters_.end()) return;
  auto& list = waiting->second;
  for (auto it = list.begin(); it != list.end();) {
    if (it->known_version != session.version) {
      deferred.push_back(
          [done = std::move(it->done), copy = session] { done(std::optional<GameSession>(copy)); });
      it = list.erase(it);
    } else {
      ++it;
    }
  }
  if (list.empty()) session_waiters_.erase(waiting);
}

void Fleet::terminate(GameSession& session, Deferred& deferred, store::WriteDone durable) {
  if (session.status == GameSessionStatus::kTerminated) return;
  session.status = GameSessionStatus::kTerminated;
  session.ended_at = clock_.now();
  ended_order_.emplace_back(session.ended_at, session.game_session_id);
  for (auto& p : session.player_sessions) {
    if (p.status == PlayerSessionStatus::kActive) p.status = PlayerSessionStatus::kCompleted;
    if (p.status == PlayerSessionStatus::kReserved) p.status = PlayerSessionStatus::kTimedOut;
  }
  auto& ids = sessions_by_server_[session.game_server_id];
  ids.erase(std::remove(ids.begin(), ids.end(), session.game_session_id), ids.end());
  if (ids.empty()) sessions_by_server_.erase(session.game_server_id);
  if (!session.placement_id.empty()) placement_lost(session, deferred);
  changed(session, deferred, std::move(durable));
  update_gauges();
  if (on_terminated_) {
    deferred.push_back([hook = on_terminated_, arn = session.game_session_arn] { hook(arn); });
  }
}

void Fleet::remove_server(const std::string& id, Deferred& deferred, store::WriteDone durable) {
  auto it = sessions_by_server_.find(id);
  if (it != sessions_by_server_.end()) {
    std::vector<std::string> ids = it->second;
    for (const auto& session_id : ids) terminate(sessions_.at(session_id), deferred);
  }
  servers_.erase(id);
  slots_.erase(id);
  room_->stale = true;
  if (store_) {
    store_->remove_game_server(id, std::move(durable));
  } else if (durable) {
    durable({});
  }
  if (auto waiting = server_waiters_.find(id); waiting != server_waiters_.end()) {
    for (auto& w : waiting->second) {
      deferred.push_back([done = std::move(w.done), id] {
        done(not_found("game server " + id + " is not registered"));
      });
    }
    server_waiters_.erase(waiting);
  }
  update_gauges();
}

void Fleet::notify_server_waiters(const std::string& server_id, Deferred& deferred) {
  auto ids = sessions_by_server_.find(server_id);
  if (ids == sessions_by_server_.end()) return;
  const GameSession* next = nullptr;
  for (const auto& id : ids->second) {
    const GameSession& g = sessions_.at(id);
    if (g.status == GameSessionStatus::kActivating) {
      next = &g;
      break;
    }
  }
  if (!next) return;
  auto waiting = server_waiters_.find(server_id);
  if (waiting == server_waiters_.end()) return;
  for (auto& w : waiting->second) {
    deferred.push_back(
        [done = std::move(w.done), copy = *next] { done(std::optional<GameSession>(copy)); });
  }
  server_waiters_.erase(waiting);
}

void Fleet::expire_reservations(Clock::TimePoint now, Deferred& deferred) {
  for (auto& [server_id, ids] : sessions_by_server_) {
    for (const auto& id : ids) {
      GameSession& g = sessions_.at(id);
      bool expired = false;
      for (auto& p : g.player_sessions) {
        if (p.status == PlayerSessionStatus::kReserved &&
            now >= p.reserved_at + options_.player_session_timeout) {
          p.status = PlayerSessionStatus::kTimedOut;
          expired = true;
        }
      }
      if (expired) changed(g, deferred);
    }
  }
  // tick() re-tries every waiting placement next.
}

void Fleet::expire_waiters(Clock::TimePoint now, Deferred& deferred) {
  for (auto waiting = server_waiters_.begin(); waiting != server_waiters_.end();) {
    auto& list = waiting->second;
    for (auto w = list.begin(); w != list.end();) {
      if (w->deadline <= now) {
        deferred.push_back([done = std::move(w->done)] { done(std::optional<GameSession>()); });
        w = list.erase(w);
      } else {
        ++w;
      }
    }
    waiting = list.empty() ? server_waiters_.erase(waiting) : std::next(waiting);
  }
  for (auto waiting = session_waiters_.begin(); waiting != session_waiters_.end();) {
    auto& list = waiting->second;
    for (auto w = list.begin(); w != list.end();) {
      if (w->deadline <= now) {
        auto it = sessions_.find(waiting->first);
        std::optional<GameSession> copy;
        if (it != sessions_.end()) copy = it->second;
        deferred.push_back([done = std::move(w->done), copy = std::move(copy)] {
          done(std::optional<GameSession>(copy));
        });
        w = list.erase(w);
      } else {
        ++w;
      }
    }
    waiting = list.empty() ? session_waiters_.erase(waiting) : std::next(waiting);
  }
}

void Fleet::update_gauges() {
  if (!metrics_) return;
  metrics_->servers.set(static_cast<double>(servers_.size()));
  for (auto s : {GameSessionStatus::kActivating, GameSessionStatus::kActive,
                 GameSessionStatus::kTerminated}) {
    auto n = static_cast<double>(status_counts_[static_cast<int>(s)]);
    metrics_->sessions.with({status_name(s)}).set(n);
  }
}

bool Fleet::purge_finished(Clock::TimePoint now) {
  // Every tick, so that each pass is short however many sessions end an hour later.
  const Clock::TimePoint before = now - options_.finished_retention;
  bool purged = false;
  while (!ended_order_.empty() && ended_order_.front().first < before) {
    auto it = sessions_.find(ended_order_.front().second);
    ended_order_.pop_front();
    if (it == sessions_.end() || it->second.status != GameSessionStatus::kTerminated) continue;
    forget_placed(it->second);
    --status_counts_[static_cast<int>(GameSessionStatus::kTerminated)];
    sessions_.erase(it);
    purged = true;
  }
  if (purged) update_gauges();
  if (now < next_purge_) return false;
  next_purge_ = now + kPurgeInterval;
  return store_ != nullptr;
}

// ---- the game-server API -----------------------------------------------------------------

Result<GameServer> Fleet::register_server(const std::string& access_key_id, GameServerSpec spec,
                                          store::WriteDone durable) {
  SAPI_RETURN_IF_ERROR(validate_spec(spec));
  if (spec.game_server_id.empty()) spec.game_server_id = "gsrv-" + matchmaking::random_uuid();
  Deferred deferred;
  GameServer copy;
  {
    CallerLock lock(*this);
    Clock::TimePoint now = clock_.now();
    auto it = servers_.find(spec.game_server_id);
    if (it != servers_.end() && it->second.access_key_id != access_key_id) {
      return permission_denied("game server " + spec.game_server_id +
                               " belongs to another access key");
    }
    GameServer& server = servers_[spec.game_server_id];
    if (it == servers_.end()) {
      server.access_key_id = access_key_id;
      server.registered_at = now;
    }
    server.spec = std::move(spec);
    server.health = Health::kHealthy;
    room_->stale = true;  // a new server, or a new address, location or size
    server.last_heartbeat = now;
    persist_server(server, std::move(durable));
    copy = server;
    update_gauges();
    retry_pending(deferred);
  }
  run_all(deferred);
  return copy;
}

Status Fleet::deregister_server(const std::string& access_key_id, const std::string& game_server_id,
                                store::WriteDone durable) {
  Deferred deferred;
  {
    CallerLock lock(*this);
    auto server = owned_server(access_key_id, game_server_id);
    if (!server.ok()) return server.status();
    remove_server(game_server_id, deferred, std::move(durable));
    retry_pending(deferred);
  }
  run_all(deferred);
  return {};
}

Result<GameServer> Fleet::heartbeat(const std::string& access_key_id,
                                    const std::string& game_server_id,
                                    std::optional<int> player_count, std::optional<Health> health) {
  Deferred deferred;
  GameServer copy;
  {
    CallerLock lock(*this);
    auto server = owned_server(access_key_id, game_server_id);
    if (!server.ok()) return server.status();
    GameServer& s = **server;
    // More players than the server registered room for is a bug in the game server: the
    // heartbeat is refused whole (no count, no liveness), like any other invalid heartbeat,
    // so that the bug shows at once instead of as a wrong count.
    if (player_count && *player_count > s.spec.max_players) {
      return invalid_argument(fmt::format("playerCount {} is more than the server's maxPlayers {}",
                                          *player_count, s.spec.max_players));
    }
    s.last_heartbeat = clock_.now();
    if (player_count) s.player_count = *player_count;
    if (health && *health != s.health) {
      s.health = *health;
      room_->stale = true;
      persist_server(s, {});
      if (s.health == Health::kHealthy) retry_pending(deferred);
    }
    copy = s;
  }
  run_all(deferred);
  return copy;
}

void Fleet::wait_for_game_session(const std::string& access_key_id,
                                  const std::string& game_server_id, Clock::TimePoint deadline,
                                  SessionWaiter done) {
  Deferred deferred;
  {
    CallerLock lock(*this);
    auto server = owned_server(access_key_id, game_server_id);
    if (!server.ok()) {
      deferred.push_back([done, status = server.status()] { done(status); });
    } else if (stopping_) {
      deferred.push_back([done] { done(std::optional<GameSession>()); });
    } else {
      server_waiters_[game_server_id].push_back({std::nullopt, deadline, std::move(done)});
      notify_server_waiters(game_server_id, deferred);
      // Nothing came: a deadline already passed is answered now, later ones by tick().
      auto waiting = server_waiters_.find(game_server_id);
      if (waiting != server_waiters_.end() && deadline <= clock_.now()) {
        auto& list = waiting->second;
        deferred.push_back(
            [done = std::move(list.back().done)] { done(std::optional<GameSession>()); });
        list.pop_back();
        if (list.empty()) server_waiters_.erase(waiting);
      }
    }
  }
  run_all(deferred);
}

size_t Fleet::server_count() const {
  CallerLock lock(*this);
  return servers_.size();
}

size_t Fleet::pending_placements() const {
  CallerLock lock(*this);
  return pending_.size();
}

void Fleet::tick() {
  Deferred deferred;
  bool purge_store = false;
  let_callers_in();
  {
    std::lock_guard lock(mu_);
    Clock::TimePoint now = clock_.now();
    std::vector<std::string> silent;
    for (const auto& [id, server] : servers_) {
      if (now >= server.last_heartbeat + options_.heartbeat_timeout) silent.push_back(id);
    }
    for (const auto& id : silent) {
      remove_server(id, deferred, {});
      if (metrics_) metrics_->reaped.inc();
    }
    expire_reservations(now, deferred);
  }
  run_all(deferred);
  // Latency policies relax with time, so a waiting match may fit now. In chunks: heartbeats
  // and activations get the mutex between them however long the backlog.
  retry_all_pending();
  let_callers_in();
  {
    std::lock_guard lock(mu_);
    Clock::TimePoint now = clock_.now();
    time_out_placements(now, deferred);
    expire_waiters(now, deferred);
    purge_store = purge_finished(now);
  }
  run_all(deferred);
  // A delete in the store takes a while; it runs without holding up the API.
  if (purge_store) {
    (void)store_->purge_finished_game_sessions(clock_.now() - options_.finished_retention,
                                               kPurgeBatch);
  }
}

}  // namespace sapi::fleet
