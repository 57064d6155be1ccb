#include "matchmaking/ticket_view.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "flexmatch/rule_set.h"

namespace sapi::matchmaking {
namespace {

namespace json = boost::json;

constexpr std::string_view kStatusNames[] = {
    "QUEUED",    "SEARCHING", "REQUIRES_ACCEPTANCE", "PLACING",
    "COMPLETED", "FAILED",    "CANCELLED",           "TIMED_OUT",
};

int64_t to_ms(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
Clock::TimePoint from_ms(int64_t ms) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

std::string get_string(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object player_to_json(const PlayerView& p, const flexmatch::RuleSet* rules) {
  json::object o;
  o["playerId"] = p.player_id;
  if (!p.team.empty()) o["team"] = p.team;
  if (!p.player_session_id.empty()) o["playerSessionId"] = p.player_session_id;
  if (p.accepted) o["accepted"] = *p.accepted;
  json::object attrs;
  for (size_t i = 0; rules && i < p.decoded.attributes.size() && i < rules->attributes.size();
       ++i) {
    if (p.decoded.attributes[i].present()) {
      attrs[rules->attributes[i].name] = flexmatch::attribute_to_gamelift(p.decoded.attributes[i]);
    }
  }
  o["attributes"] = std::move(attrs);
  json::object lat;
  for (const auto& l : p.decoded.latencies) lat[l.region] = l.ms;
  o["latencyInMs"] = std::move(lat);
  return o;
}

Result<PlayerView> player_from_json(const json::object& o, const flexmatch::RuleSet* rules) {
  PlayerView p;
  p.player_id = get_string(o, "playerId");
  p.team = get_string(o, "team");
  p.player_session_id = get_string(o, "playerSessionId");
  if (const auto* a = o.if_contains("accepted"); a && a->is_bool()) p.accepted = a->as_bool();
  p.decoded.id = p.player_id;
  const json::object* attrs = nullptr;
  if (const auto* a = o.if_contains("attributes")) attrs = a->if_object();
  for (size_t i = 0; rules && i < rules->attributes.size(); ++i) {
    const auto& decl = rules->attributes[i];
    const json::value* v = attrs ? attrs->if_contains(decl.name) : nullptr;
    if (!v) {
      p.decoded.attributes.push_back(decl.default_value);
      continue;
    }
    auto value = flexmatch::attribute_from_gamelift(*v, decl.type);
    if (!value.ok()) return value.status();
    p.decoded.attributes.push_back(std::move(*value));
  }
  if (const auto* l = o.if_contains("latencyInMs"); l && l->is_object()) {
    for (const auto& kv : l->as_object()) {
      if (kv.value().is_int64()) {
        p.decoded.latencies.push_back(
            {std::string(kv.key()), static_cast<int>(kv.value().as_int64())});
      }
    }
    std::sort(p.decoded.latencies.begin(), p.decoded.latencies.end(),
              [](const auto& a, const auto& b) { return a.region < b.region; });
  }
  return p;
}

json::object connection_to_json(const ConnectionInfo& c) {
  json::array sessions;
  for (const auto& s : c.player_sessions) {
    sessions.push_back({{"playerId", s.player_id}, {"playerSessionId", s.player_session_id}});
  }
  return {{"gameSessionArn", c.game_session_arn},
          {"ipAddress", c.ip_address},
          {"dnsName", c.dns_name},
          {"port", c.port},
          {"playerSessions", std::move(sessions)}};
}

ConnectionInfo connection_from_json(const json::object& o) {
  ConnectionInfo c;
  c.game_session_arn = get_string(o, "gameSessionArn");
  c.ip_address = get_string(o, "ipAddress");
  c.dns_name = get_string(o, "dnsName");
  if (const auto* p = o.if_contains("port"); p && p->is_int64()) {
    c.port = static_cast<int>(p->as_int64());
  }
  if (const auto* ss = o.if_contains("playerSessions"); ss && ss->is_array()) {
    for (const auto& s : ss->as_array()) {
      if (!s.is_object()) continue;
      c.player_sessions.push_back(
          {get_string(s.as_object(), "playerId"), get_string(s.as_object(), "playerSessionId")});
    }
  }
  return c;
}

// A backfill ticket's players are bound to their team, which the matchmaker reads by index.
void restore_teams(TicketView& t, const flexmatch::RuleSet* rules) {
  if (!t.backfill || !rules) return;
  for (auto& p : t.players) {
    for (size_t i = 0; i < rules->teams.size(); ++i) {
      if (rules->teams[i].name == p.team) p.decoded.team = static_cast<int>(i);
    }
  }
}

}  // namespace

std::string_view status_name(TicketStatus s) { return kStatusNames[static_cast<int>(s)]; }

std::optional<TicketStatus> parse_status(std::string_view name) {
  for (int i = 0; i < 8; ++i) {
    if (kStatusNames[i] == name) return static_cast<TicketStatus>(i);
  }
  return std::nullopt;
}

bool is_final(TicketStatus s) {
  return s == TicketStatus::kCompleted || s == TicketStatus::kFailed ||
         s == TicketStatus::kCancelled || s == TicketStatus::kTimedOut;
}

bool TicketView::has_player(std::string_view player_id) const {
  for (const auto& p : players) {
    if (p.player_id == player_id) return true;
  }
  return false;
}

void clear_match(TicketView& t) {
  t.match_id.clear();
  t.connection.reset();
  for (auto& p : t.players) {
    if (!t.backfill) p.team.clear();  // a backfill ticket's players stay on their team
    p.player_session_id.clear();
    p.accepted.reset();
  }
}

std::string serialize_state(const TicketView& t, const flexmatch::RuleSet* rules) {
  json::object o;
  o["v"] = 1;
  o["configuration"] = t.configuration;
  o["owner"] = t.owner_player_id;
  o["status"] = status_name(t.status);
  if (!t.status_reason.empty()) o["statusReason"] = t.status_reason;
  if (!t.status_message.empty()) o["statusMessage"] = t.status_message;
  o["startTime"] = to_ms(t.start_time);
  if (t.end_time) o["endTime"] = to_ms(*t.end_time);
  if (!t.match_id.empty()) o["matchId"] = t.match_id;
  json::array players;
  for (const auto& p : t.players) players.push_back(player_to_json(p, rules));
  o["players"] = std::move(players);
  if (t.connection) o["connection"] = connection_to_json(*t.connection);
  if (t.backfill) {
    o["backfill"] = true;
    o["gameSessionArn"] = t.game_session_arn;
  }
  return json::serialize(o);
}

Result<TicketView> deserialize_state(std::string_view state, const flexmatch::RuleSet* rules) {
  boost::system::error_code ec;
  json::value v = json::parse(state, ec);
  if (ec || !v.is_object()) return invalid_argument("ticket state is not a JSON object");
  const auto& o = v.as_object();
  TicketView t;
  t.configuration = get_string(o, "configuration");
  t.owner_player_id = get_string(o, "owner");
  auto status = parse_status(get_string(o, "status"));
  if (!status) return invalid_argument("ticket state has no valid status");
  t.status = *status;
  t.status_reason = get_string(o, "statusReason");
  t.status_message = get_string(o, "statusMessage");
  if (const auto* s = o.if_contains("startTime"); s && s->is_int64()) {
    t.start_time = from_ms(s->as_int64());
  }
  if (const auto* e = o.if_contains("endTime"); e && e->is_int64()) {
    t.end_time = from_ms(e->as_int64());
  }
  t.match_id = get_string(o, "matchId");
  if (const auto* ps = o.if_contains("players"); ps && ps->is_array()) {
    for (const auto& p : ps->as_array()) {
      if (!p.is_object()) return invalid_argument("ticket state: player is not an object");
      auto player = player_from_json(p.as_object(), rules);
      if (!player.ok()) return player.status();
      t.players.push_back(std::move(*player));
    }
  }
  if (const auto* c = o.if_contains("connection"); c && c->is_object()) {
    t.connection = connection_from_json(c->as_object());
  }
  if (const auto* b = o.if_contains("backfill"); b && b->is_bool()) t.backfill = b->as_bool();
  t.game_session_arn = get_string(o, "gameSessionArn");
  restore_teams(t, rules);
  return t;
}

}  // namespace sapi::matchmaking
