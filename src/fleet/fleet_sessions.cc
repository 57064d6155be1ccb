// The Fleet's game sessions and player sessions as game servers see them: watching,
// activation, accepting and removing player sessions, the end of a game session.

#include <algorithm>

#include "fleet/fleet.h"
#include "fleet/fleet_internal.h"

namespace sapi::fleet {

void Fleet::watch_game_session(const std::string& access_key_id, const std::string& game_session_id,
                               std::optional<uint64_t> known_version, Clock::TimePoint deadline,
                               SessionWaiter done) {
  Deferred deferred;
  {
    CallerLock lock(*this);
    auto session = owned_session(access_key_id, game_session_id);
    if (!session.ok()) {
      deferred.push_back([done, status = session.status()] { done(status); });
    } else if (!known_version || *known_version != (*session)->version ||
               deadline <= clock_.now() || stopping_) {
      deferred.push_back([done, copy = **session] { done(std::optional<GameSession>(copy)); });
    } else {
      session_waiters_[game_session_id].push_back({known_version, deadline, std::move(done)});
    }
  }
  run_all(deferred);
}

Result<GameSession> Fleet::activate(const std::string& access_key_id,
                                    const std::string& game_session_id, store::WriteDone durable) {
  Deferred deferred;
  GameSession copy;
  {
    CallerLock lock(*this);
    auto session = owned_session(access_key_id, game_session_id);
    if (!session.ok()) return session.status();
    GameSession& g = **session;
    if (g.status == GameSessionStatus::kTerminated) {
      return failed_precondition("game session " + game_session_id + " is TERMINATED");
    }
    if (g.status == GameSessionStatus::kActive) {
      acknowledge_unchanged(std::move(durable), deferred);
    } else {
      g.status = GameSessionStatus::kActive;
      fulfil(g, deferred);
      changed(g, deferred, std::move(durable));
      update_gauges();
    }
    copy = g;
  }
  run_all(deferred);
  return copy;
}

namespace {

PlayerSession* find_player_session(GameSession& g, const std::string& id) {
  for (auto& p : g.player_sessions) {
    if (p.player_session_id == id) return &p;
  }
  return nullptr;
}

}  // namespace

Result<PlayerSession> Fleet::accept_player_session(const std::string& access_key_id,
                                                   const std::string& game_session_id,
                                                   const std::string& player_session_id,
                                                   store::WriteDone durable) {
  Deferred deferred;
  Result<PlayerSession> result = internal_error("unset");
  {
    CallerLock lock(*this);
    auto session = owned_session(access_key_id, game_session_id);
    if (!session.ok()) return session.status();
    GameSession& g = **session;
    PlayerSession* p = find_player_session(g, player_session_id);
    if (!p) {
      return not_found("player session " + player_session_id + " not found in game session " +
                       game_session_id);
    }
    bool expired = p->status == PlayerSessionStatus::kReserved &&
                   clock_.now() >= p->reserved_at + options_.player_session_timeout;
    if (expired) {
      p->status = PlayerSessionStatus::kTimedOut;
      changed(g, deferred);
      retry_pending(deferred);
      result = failed_precondition("player session " + player_session_id +
                                   " is not reserved: its reservation expired");
    } else if (g.status == GameSessionStatus::kTerminated) {
      result = failed_precondition("player session " + player_session_id +
                                   " is not reserved: the game session is TERMINATED");
    } else if (p->status != PlayerSessionStatus::kReserved) {
      std::string why = p->status == PlayerSessionStatus::kActive      ? "it is already ACTIVE"
                        : p->status == PlayerSessionStatus::kCompleted ? "it is COMPLETED"
                                                                       : "its reservation expired";
      result =
          failed_precondition("player session " + player_session_id + " is not reserved: " + why);
    } else {
      p->status = PlayerSessionStatus::kActive;
      result = *p;
      changed(g, deferred, std::move(durable));
    }
  }
  run_all(deferred);
  return result;
}

Result<PlayerSession> Fleet::remove_player_session(const std::string& access_key_id,
                                                   const std::string& game_session_id,
                                                   const std::string& player_session_id,
                                                   store::WriteDone durable) {
  Deferred deferred;
  PlayerSession copy;
  {
    CallerLock lock(*this);
    auto session = owned_session(access_key_id, game_session_id);
    if (!session.ok()) return session.status();
    GameSession& g = **session;
    PlayerSession* p = find_player_session(g, player_session_id);
    if (!p) {
      return not_found("player session " + player_session_id + " not found in game session " +
                       game_session_id);
    }
    if (p->status == PlayerSessionStatus::kReserved || p->status == PlayerSessionStatus::kActive) {
      p->status = PlayerSessionStatus::kCompleted;
      copy = *p;
      changed(g, deferred, std::move(durable));
      retry_pending(deferred);
    } else {
      copy = *p;
      acknowledge_unchanged(std::move(durable), deferred);
    }
  }
  run_all(deferred);
  return copy;
}

Result<GameSession> Fleet::end_game_session(const std::string& access_key_id,
                                            const std::string& game_session_id,
                                            store::WriteDone durable) {
  Deferred deferred;
  GameSession copy;
  {
    CallerLock lock(*this);
    auto session = owned_session(access_key_id, game_session_id);
    if (!session.ok()) return session.status();
    GameSession& g = **session;
    if (g.status == GameSessionStatus::kTerminated) {
      acknowledge_unchanged(std::move(durable), deferred);
    } else {
      terminate(g, deferred, std::move(durable));
      retry_pending(deferred);
    }
    copy = g;
  }
  run_all(deferred);
  return copy;
}

Result<GameSession> Fleet::game_session(const std::string& access_key_id,
                                        const std::string& game_session_id) const {
  CallerLock lock(*this);
  auto session = owned_session(access_key_id, game_session_id);
  if (!session.ok()) return session.status();
  return **session;
}

bool Fleet::had_player_session(const std::string& access_key_id,
                               const std::string& player_id) const {
  CallerLock lock(*this);
  auto key = key_numbers_.find(access_key_id);
  auto it = placed_players_.find(player_id);
  if (key == key_numbers_.end() || it == placed_players_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const auto& k) { return k.first == key->second; });
}

}  // namespace sapi::fleet
