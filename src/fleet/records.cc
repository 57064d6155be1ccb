#include "fleet/records.h"

#include <boost/json.hpp>

namespace sapi::fleet {
namespace json = boost::json;
namespace {

int64_t to_ms(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Clock::TimePoint from_ms(int64_t ms) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

int64_t num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

template <typename E>
E enum_of(const json::object& o, std::string_view key, E last) {
  int64_t n = num(o, key);
  return n >= 0 && n <= static_cast<int64_t>(last) ? static_cast<E>(n) : last;
}

Result<json::object> parse_object(const std::string& blob) {
  boost::system::error_code ec;
  json::value v = json::parse(blob, ec);
  if (ec || !v.is_object()) return internal_error("unreadable fleet record");
  return std::move(v.get_object());
}

}  // namespace

std::string encode_server(const GameServer& s) {
  json::object labels;
  for (const auto& [k, v] : s.spec.labels) labels[k] = v;
  json::object o{{"id", s.spec.game_server_id},
                 {"ip", s.spec.ip_address},
                 {"dns", s.spec.dns_name},
                 {"port", s.spec.port},
                 {"location", s.spec.location},
                 {"maxPlayers", s.spec.max_players},
                 {"labels", std::move(labels)},
                 {"key", s.access_key_id},
                 {"health", static_cast<int>(s.health)},
                 {"playerCount", s.player_count},
                 {"registeredMs", to_ms(s.registered_at)}};
  return json::serialize(o);
}

Result<GameServer> decode_server(const std::string& blob) {
  auto parsed = parse_object(blob);
  if (!parsed.ok()) return parsed.status();
  const json::object& o = *parsed;
  GameServer s;
  s.spec.game_server_id = str(o, "id");
  s.spec.ip_address = str(o, "ip");
  s.spec.dns_name = str(o, "dns");
  s.spec.port = static_cast<int>(num(o, "port"));
  s.spec.location = str(o, "location");
  s.spec.max_players = static_cast<int>(num(o, "maxPlayers"));
  if (const json::value* l = o.if_contains("labels"); l && l->is_object()) {
    for (const auto& [k, v] : l->get_object()) {
      if (v.is_string()) s.spec.labels[std::string(k)] = std::string(v.get_string());
    }
  }
  s.access_key_id = str(o, "key");
  s.health = enum_of(o, "health", Health::kUnhealthy);
  s.player_count = static_cast<int>(num(o, "playerCount"));
  s.registered_at = from_ms(num(o, "registeredMs"));
  if (s.spec.game_server_id.empty() || s.access_key_id.empty()) {
    return internal_error("fleet record of a game server without id or key");
  }
  return s;
}

std::string encode_session(const GameSession& g) {
  json::array props;
  for (const auto& [k, v] : g.game_properties)
    props.push_back(json::array{json::string(k), json::string(v)});
  json::array players;
  for (const PlayerSession& p : g.player_sessions) {
    players.push_back(json::object{{"id", p.player_session_id},
                                   {"player", p.player_id},
                                   {"status", static_cast<int>(p.status)},
                                   {"reservedMs", to_ms(p.reserved_at)}});
  }
  json::object o{{"id", g.game_session_id},
                 {"arn", g.game_session_arn},
                 {"server", g.game_server_id},
                 {"location", g.location},
                 {"ip", g.ip_address},
                 {"dns", g.dns_name},
                 {"port", g.port},
                 {"max", g.maximum_player_session_count},
                 {"status", static_cast<int>(g.status)},
                 {"version", g.version},
                 {"properties", std::move(props)},
                 {"data", g.game_session_data},
                 {"matchmakerData", g.matchmaker_data},
                 {"players", std::move(players)},
                 {"configuration", g.configuration},
                 {"placement", g.placement_id},
                 {"key", g.access_key_id},
                 {"createdMs", to_ms(g.created_at)},
                 {"endedMs", to_ms(g.ended_at)}};
  return json::serialize(o);
}

Result<GameSession> decode_session(const std::string& blob) {
  auto parsed = parse_object(blob);
  if (!parsed.ok()) return parsed.status();
  const json::object& o = *parsed;
  GameSession g;
  g.game_session_id = str(o, "id");
  g.game_session_arn = str(o, "arn");
  g.game_server_id = str(o, "server");
  g.location = str(o, "location");
  g.ip_address = str(o, "ip");
  g.dns_name = str(o, "dns");
  g.port = static_cast<int>(num(o, "port"));
  g.maximum_player_session_count = static_cast<int>(num(o, "max"));
  g.status = enum_of(o, "status", GameSessionStatus::kTerminated);
  const json::value* version = o.if_contains("version");
  g.version = version && version->is_uint64() ? version->get_uint64()
                                              : static_cast<uint64_t>(num(o, "version"));
  if (const json::value* props = o.if_contains("properties"); props && props->is_array()) {
    for (const json::value& kv : props->get_array()) {
      if (!kv.is_array() || kv.get_array().size() != 2) continue;
      const auto& a = kv.get_array();
      if (a[0].is_string() && a[1].is_string()) {
        g.game_properties.emplace_back(std::string(a[0].get_string()),
                                       std::string(a[1].get_string()));
      }
    }
  }
  g.game_session_data = str(o, "data");
  g.matchmaker_data = str(o, "matchmakerData");
  if (const json::value* players = o.if_contains("players"); players && players->is_array()) {
    for (const json::value& pv : players->get_array()) {
      if (!pv.is_object()) continue;
      const json::object& po = pv.get_object();
      PlayerSession p;
      p.player_session_id = str(po, "id");
      p.player_id = str(po, "player");
      p.game_session_id = g.game_session_id;
      p.status = enum_of(po, "status", PlayerSessionStatus::kTimedOut);
      p.reserved_at = from_ms(num(po, "reservedMs"));
      g.player_sessions.push_back(std::move(p));
    }
  }
  g.configuration = str(o, "configuration");
  g.placement_id = str(o, "placement");
  g.access_key_id = str(o, "key");
  g.created_at = from_ms(num(o, "createdMs"));
  g.ended_at = from_ms(num(o, "endedMs"));
  if (g.game_session_id.empty() || g.game_server_id.empty()) {
    return internal_error("fleet record of a game session without id or server");
  }
  return g;
}

}  // namespace sapi::fleet
