// The WITH_QUEUE part of the lifecycle: matched tickets wait in PLACING while the Placer
// looks for a game session, then complete, search again or fail.

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "matchmaking/event_format.h"
#include "matchmaking/ids.h"
#include "matchmaking/lifecycle.h"
#include "matchmaking/match_placement.h"

namespace sapi::matchmaking {
namespace {

// The connection of one ticket: the game session, with the player sessions of its players.
ConnectionInfo connection_for(const TicketView& t, const ConnectionInfo& all) {
  ConnectionInfo c = all;
  if (t.backfill) return c;  // the backfill ticket reports everyone who joined
  c.player_sessions.clear();
  for (const auto& s : all.player_sessions) {
    if (t.has_player(s.player_id)) c.player_sessions.push_back(s);
  }
  return c;
}

}  // namespace

bool Lifecycle::past_request_timeout(const TicketView& t, Clock::TimePoint now) const {
  return t.start_time + std::chrono::seconds(config_.request_timeout_seconds) <= now;
}

void Lifecycle::place(const std::string& match_id, const std::vector<std::string>& ticket_ids,
                      Clock::TimePoint now) {
  std::vector<const TicketView*> members;
  size_t players = 0;
  bool backfill = false;
  for (const auto& id : ticket_ids) {
    TicketView& t = tickets_.at(id);
    t.status = TicketStatus::kPlacing;
    t.status_reason.clear();
    t.status_message.clear();
    commit(t, now);
    members.push_back(&t);
    players += t.players.size();
    backfill = backfill || t.backfill;
  }
  if (!options_.placer) {
    for (const auto& id : ticket_ids) {
      finish(tickets_.at(id), TicketStatus::kFailed, kReasonPlacementFailed,
             "No placement service: this WITH_QUEUE configuration needs the game-server fleet",
             now);
    }
    return;
  }
  Placement placement{ticket_ids, {}};
  if (config_.backfill_mode == BackfillMode::kAutomatic && !backfill &&
      has_open_slots(*config_.rules, players)) {
    placement.auto_backfill_ticket_id = random_uuid();
  }
  PlacementRequest request = make_placement_request(config_, options_.region, match_id, members,
                                                    placement.auto_backfill_ticket_id);
  placements_[match_id] = std::move(placement);
  // The result may arrive on any thread, even before place() returns: it is queued like any
  // other command and applied by step().
  options_.placer->place(std::move(request),
                         [this](PlacementResult result) { push(Placed{std::move(result)}); });
}

void Lifecycle::apply(Placed& c, Clock::TimePoint now) {
  const PlacementResult& r = c.result;
  auto it = placements_.find(r.placement_id);
  if (it == placements_.end()) return;  // abandoned meanwhile
  Placement placement = std::move(it->second);
  placements_.erase(it);
  std::vector<TicketView*> members;
  for (const auto& id : placement.ticket_ids) {
    TicketView* t = tickets_.find(id);
    if (t && t->status == TicketStatus::kPlacing && t->match_id == r.placement_id) {
      members.push_back(t);
    }
  }
  switch (r.outcome) {
    case PlacementOutcome::kFulfilled:
      fulfil(placement, members, r, now);
      return;
    case PlacementOutcome::kTimedOut:
      for (TicketView* t : members) {
        search_again(*t, kReasonPlacementTimedOut,
                     r.message.empty() ? "The game session placement timed out" : r.message, now);
      }
      return;
    case PlacementOutcome::kFailed: {
      std::string why = r.message.empty() ? "The game session placement failed" : r.message;
      bool backfill = std::any_of(members.begin(), members.end(),
                                  [](const TicketView* t) { return t->backfill; });
      for (TicketView* t : members) {
        // A running game session that cannot take newcomers (it ended, or filled up) is no
        // fault of theirs: only the backfill ticket fails, the others search again.
        if (backfill && !t->backfill) {
          search_again(*t, kReasonPlacementFailed,
                       "The game session could not take the players: " + why, now);
          continue;
        }
        finish(*t, TicketStatus::kFailed, kReasonPlacementFailed, why, now);
      }
      return;
    }
  }
}

void Lifecycle::search_again(TicketView& t, std::string_view reason, std::string message,
                             Clock::TimePoint now) {
  if (past_request_timeout(t, now)) {
    finish(t, TicketStatus::kTimedOut, kReasonRequestTimedOut,
           fmt::format("No game session within the request time-out of {} s ({})",
                       config_.request_timeout_seconds, message),
           now);
    return;
  }
  clear_match(t);
  start_searching(t, now, true, reason, std::move(message));
}

void Lifecycle::fulfil(const Placement& placement, const std::vector<TicketView*>& tickets,
                       const PlacementResult& result, Clock::TimePoint now) {
  std::vector<const TicketView*> members;
  for (TicketView* t : tickets) {
    t->connection = connection_for(*t, result.connection);
    for (auto& p : t->players) {
      for (const auto& s : result.connection.player_sessions) {
        if (s.player_id == p.player_id) p.player_session_id = s.player_session_id;
      }
    }
    finish(*t, TicketStatus::kCompleted, "", "", now);
    members.push_back(t);
  }
  if (members.empty()) return;
  emit("MatchmakingSucceeded", members,
       succeeded_detail(members.front()->match_id, members, &result.connection), now);
  if (placement.auto_backfill_ticket_id.empty() || !hooks_.on_auto_backfill) return;
  BackfillRequest backfill;
  backfill.ticket_id = placement.auto_backfill_ticket_id;
  backfill.configuration = config_.name;
  backfill.game_session_arn = result.connection.game_session_arn;
  for (const TicketView* t : members) {
    for (const auto& p : t->players) {
      flexmatch::Player player = p.decoded;
      player.id = p.player_id;
      for (size_t i = 0; i < config_.rules->teams.size(); ++i) {
        if (config_.rules->teams[i].name == p.team) player.team = static_cast<int>(i);
      }
      backfill.players.push_back(std::move(player));
    }
  }
  hooks_.on_auto_backfill(std::move(backfill));
}

void Lifecycle::abandon_placement(const std::string& match_id, Clock::TimePoint now) {
  auto it = placements_.find(match_id);
  if (it == placements_.end()) return;
  Placement placement = std::move(it->second);
  placements_.erase(it);
  if (options_.placer) options_.placer->abandon(match_id);
  for (const auto& id : placement.ticket_ids) {
    TicketView& t = tickets_.at(id);
    if (t.status != TicketStatus::kPlacing || t.match_id != match_id) continue;
    clear_match(t);
    start_searching(t, now, true, kReasonPlacementCancelled,
                    "Another ticket of the match was cancelled during placement");
  }
}

void Lifecycle::abandon_placements() {
  if (!options_.placer) return;
  for (const auto& [match_id, placement] : placements_) options_.placer->abandon(match_id);
  placements_.clear();
}

}  // namespace sapi::matchmaking
