#include "matchmaking/events.h"

#include <algorithm>
#include <boost/json.hpp>

#include "matchmaking/ids.h"

namespace sapi::matchmaking {
namespace {

namespace json = boost::json;

constexpr std::string_view kEventTypes[] = {
    "MatchmakingSearching", "PotentialMatchCreated", "AcceptMatch",          "AcceptMatchCompleted",
    "MatchmakingSucceeded", "MatchmakingTimedOut",   "MatchmakingCancelled", "MatchmakingFailed",
};

json::array tickets_json(const std::vector<EventTicket>& tickets) {
  json::array list;
  for (const EventTicket& t : tickets) {
    json::array players;
    for (const EventPlayer& p : t.players) {
      json::object player;
      player["playerId"] = p.player_id;
      if (!p.team.empty()) player["team"] = p.team;
      if (!p.player_session_id.empty()) player["playerSessionId"] = p.player_session_id;
      if (p.accepted) player["accepted"] = *p.accepted;
      players.push_back(std::move(player));
    }
    list.push_back({{"ticketId", t.ticket_id},
                    {"startTime", format_iso8601(t.start_time)},
                    {"players", std::move(players)}});
  }
  return list;
}

json::object game_session_info(const MatchmakingEvent& e) {
  json::object info;
  if (const auto& gs = e.detail.game_session) {
    info["gameSessionArn"] = gs->arn;
    info["ipAddress"] = gs->ip_address;
    if (!gs->dns_name.empty()) info["dnsName"] = gs->dns_name;
    info["port"] = gs->port;
  }
  json::array players;
  for (const EventTicket& t : e.tickets) {
    for (const EventPlayer& p : t.players) {
      players.push_back(
          {{"playerId", p.player_id}, {"playerSessionId", p.player_session_id}, {"team", p.team}});
    }
  }
  info["players"] = std::move(players);
  return info;
}

json::object detail_json(const MatchmakingEvent& e) {
  const EventDetail& d = e.detail;
  json::object o;
  o["type"] = e.type;
  o["tickets"] = tickets_json(e.tickets);
  if (d.estimated_wait_millis) o["estimatedWaitMillis"] = *d.estimated_wait_millis;
  if (d.potential_match) {
    o["acceptanceRequired"] = d.acceptance_required;
    if (d.acceptance_required) o["acceptanceTimeout"] = d.acceptance_timeout_seconds;
    json::array rules;
    for (const auto& m : d.rule_metrics) {
      rules.push_back({{"ruleName", m.rule}, {"passedCount", m.passed}, {"failedCount", m.failed}});
    }
    o["ruleEvaluationMetrics"] = std::move(rules);
  }
  if (!d.match_id.empty()) o["matchId"] = d.match_id;
  if (!d.acceptance.empty()) o["acceptance"] = d.acceptance;
  if (d.game_session_info) o["gameSessionInfo"] = game_session_info(e);
  if (d.reason) o["reason"] = *d.reason;
  if (d.message) o["message"] = *d.message;
  if (e.source && !e.source->custom_event_data.empty()) {
    o["customEventData"] = e.source->custom_event_data;
  }
  return o;
}

// The one rule of an interest: its configuration test, or its player test on any player
// (`any_player(test)` tells whether `test` accepts one of the event's players).
template <class AnyPlayer>
bool wanted(const EventInterest& interest, std::string_view configuration, AnyPlayer any_player) {
  if (interest.configuration && interest.configuration(configuration)) return true;
  return interest.player && any_player(interest.player);
}

}  // namespace

std::string_view event_type(std::string_view name) {
  for (std::string_view t : kEventTypes) {
    if (t == name) return t;
  }
  return {};
}

const std::string& MatchmakingEvent::configuration() const {
  static const std::string kNone;
  return source ? source->configuration : kNone;
}

bool MatchmakingEvent::concerns(std::string_view player_id) const {
  for (const EventTicket& t : tickets) {
    for (const EventPlayer& p : t.players) {
      if (p.player_id == player_id) return true;
    }
  }
  return false;
}

const std::string& MatchmakingEvent::id() const {
  std::call_once(rendered_.id_once, [this] { rendered_.id = random_uuid(); });
  return rendered_.id;
}

const std::string& MatchmakingEvent::json() const {
  std::call_once(rendered_.json_once, [this] {
    json::object envelope;
    envelope["version"] = "0";
    envelope["id"] = id();
    envelope["detail-type"] = "GameLift Matchmaking Event";
    envelope["source"] = "aws.gamelift";
    envelope["account"] = source ? source->account : std::string();
    envelope["time"] = format_iso8601(time);
    envelope["region"] = source ? source->region : std::string();
    json::array resources;
    if (source) resources.push_back(json::value(source->arn));
    envelope["resources"] = std::move(resources);
    envelope["detail"] = detail_json(*this);
    rendered_.json = json::serialize(envelope);
  });
  return rendered_.json;
}

json::object MatchmakingEvent::envelope() const { return json::parse(json()).as_object(); }

bool EventInterest::wants(std::string_view configuration_name,
                          std::span<const std::string_view> player_ids) const {
  return wanted(*this, configuration_name, [&](const auto& accepts) {
    return std::any_of(player_ids.begin(), player_ids.end(), accepts);
  });
}

bool EventInterest::wants(const MatchmakingEvent& event) const {
  return wanted(*this, event.configuration(), [&](const auto& accepts) {
    for (const EventTicket& t : event.tickets) {
      for (const EventPlayer& p : t.players) {
        if (accepts(p.player_id)) return true;
      }
    }
    return false;
  });
}

uint64_t EventBus::subscribe(Subscriber subscriber, std::optional<EventInterest> interest) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  auto next = std::make_shared<Subscribers>(*subscribers_);
  next->emplace(id, Subscription{std::move(subscriber), std::move(interest)});
  subscribers_ = std::move(next);
  return id;
}

uint64_t EventBus::subscribe(RefSubscriber subscriber, std::optional<EventInterest> interest) {
  return subscribe(Subscriber([s = std::move(subscriber)](const EventPtr& e) { s(*e); }),
                   std::move(interest));
}

void EventBus::unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  auto next = std::make_shared<Subscribers>(*subscribers_);
  next->erase(id);
  subscribers_ = std::move(next);
}

std::shared_ptr<const EventBus::Subscribers> EventBus::snapshot() const {
  std::lock_guard lock(mu_);
  return subscribers_;
}

bool EventBus::wants(std::string_view configuration,
                     std::span<const std::string_view> player_ids) const {
  for (const auto& [id, s] : *snapshot()) {
    if (!s.interest || s.interest->wants(configuration, player_ids)) return true;
  }
  return false;
}

void EventBus::publish(EventPtr event) {
  // The set as it was when the event went out: subscribing or unsubscribing meanwhile
  // copies it instead of changing it under the loop.
  std::shared_ptr<const Subscribers> targets = snapshot();
  for (const auto& [id, s] : *targets) {
    if (!s.interest || s.interest->wants(*event)) s.deliver(event);
  }
}

void EventBus::publish(MatchmakingEvent event) {
  publish(std::make_shared<const MatchmakingEvent>(std::move(event)));
}

}  // namespace sapi::matchmaking
