#include "api/matchmaking_request.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace sapi::api {
namespace {

namespace json = boost::json;

bool is_gamelift_encoding(const json::value& v) {
  const json::object* o = v.if_object();
  if (!o || o->size() != 1) return false;
  auto key = o->begin()->key();
  return key == "S" || key == "N" || key == "SL" || key == "SDM";
}

Result<std::vector<flexmatch::RegionLatency>> decode_latencies(const json::value& v) {
  const json::object* o = v.if_object();
  if (!o) return invalid_argument("latencyInMs: expected an object of region to milliseconds");
  std::vector<flexmatch::RegionLatency> out;
  for (const auto& kv : *o) {
    const json::value& ms = kv.value();
    double d = ms.is_int64()    ? static_cast<double>(ms.as_int64())
               : ms.is_uint64() ? static_cast<double>(ms.as_uint64())
               : ms.is_double() ? ms.as_double()
                                : -1;
    if (kv.key().empty() || d < 0 || d > 1e6 || d != std::floor(d)) {
      return invalid_argument("latencyInMs." + std::string(kv.key()) +
                              ": expected a whole number of milliseconds");
    }
    out.push_back({std::string(kv.key()), static_cast<int>(d)});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.region < b.region; });
  return out;
}

const json::object* object_at(const json::object& o, std::string_view key, Status& error) {
  const json::value* v = o.if_contains(key);
  if (!v) return nullptr;
  if (!v->is_object()) error = invalid_argument(std::string(key) + ": expected an object");
  return v->if_object();
}

Result<std::string> player_id_of(const json::object& o) {
  const json::value* id = o.if_contains("playerId");
  if (!id || !id->is_string() || id->as_string().empty() || id->as_string().size() > 1024) {
    return invalid_argument("players[].playerId: expected 1-1024 characters");
  }
  return std::string(id->as_string());
}

}  // namespace

Result<flexmatch::Player> decode_player(const json::object& player, std::string player_id,
                                        const flexmatch::RuleSet& rules) {
  flexmatch::Player p;
  p.id = std::move(player_id);
  Status error;
  const json::object* attrs = object_at(player, "playerAttributes", error);
  if (!error.ok()) return error;
  for (const auto& decl : rules.attributes) {
    const json::value* v = attrs ? attrs->if_contains(decl.name) : nullptr;
    if (!v) {
      p.attributes.push_back(decl.default_value);
      continue;
    }
    auto value = is_gamelift_encoding(*v) ? flexmatch::attribute_from_gamelift(*v, decl.type)
                                          : flexmatch::attribute_from_plain_json(*v, decl.type);
    if (!value.ok()) {
      return invalid_argument("playerAttributes." + decl.name + ": " + value.status().message());
    }
    p.attributes.push_back(std::move(*value));
  }
  const json::value* latency = player.if_contains("latencyInMs");
  if (!latency && attrs) latency = attrs->if_contains("latencyInMs");
  if (latency) {
    auto decoded = decode_latencies(*latency);
    if (!decoded.ok()) return decoded.status();
    p.latencies = std::move(*decoded);
  }
  return p;
}

Result<std::string> configuration_name(const json::object& body) {
  const json::value* v = body.if_contains("configurationName");
  if (!v) return std::string();
  if (!v->is_string()) return invalid_argument("configurationName: expected a string");
  return std::string(v->as_string());
}

Result<matchmaking::StartRequest> decode_start_request(const json::object& body,
                                                       const std::string& caller,
                                                       const matchmaking::Configuration& config) {
  matchmaking::StartRequest r;
  r.configuration = config.name;
  r.rules = config.rules.get();
  r.owner_player_id = caller;
  if (const json::value* id = body.if_contains("ticketId")) {
    if (!id->is_string()) return invalid_argument("ticketId: expected a string");
    r.ticket_id = std::string(id->as_string());
  }
  const json::value* players = body.if_contains("players");
  if (!players) {
    auto p = decode_player(body, caller, *config.rules);
    if (!p.ok()) return p.status();
    r.players.push_back(std::move(*p));
    return r;
  }
  // With a party the top-level playerAttributes and latencyInMs are not used, but a client
  // that sends them broken is told so rather than silently ignored.
  if (auto top = decode_player(body, caller, *config.rules); !top.ok()) return top.status();
  if (!players->is_array() || players->as_array().empty() ||
      players->as_array().size() > flexmatch::kMaxPlayersPerTicket) {
    return invalid_argument("players: expected 1 to 10 players");
  }
  for (const auto& item : players->as_array()) {
    if (!item.is_object()) return invalid_argument("players[]: expected objects");
    auto id = player_id_of(item.as_object());
    if (!id.ok()) return id.status();
    auto p = decode_player(item.as_object(), std::move(*id), *config.rules);
    if (!p.ok()) return p.status();
    r.players.push_back(std::move(*p));
  }
  return r;
}

Result<std::vector<flexmatch::Player>> decode_backfill_players(
    const json::array& players, const matchmaking::Configuration& config) {
  if (players.empty() || players.size() > flexmatch::kMaxPlayersPerBackfillTicket) {
    return invalid_argument("players: expected 1 to 199 players");
  }
  const flexmatch::RuleSet& rules = *config.rules;
  std::vector<flexmatch::Player> out;
  for (size_t i = 0; i < players.size(); ++i) {
    std::string where = "players[" + std::to_string(i) + "]";
    const json::object* o = players[i].if_object();
    if (!o) return invalid_argument(where + ": expected an object");
    auto id = player_id_of(*o);
    if (!id.ok()) return invalid_argument(where + ".playerId: expected 1-1024 characters");
    const json::value* team = o->if_contains("team");
    if (!team || !team->is_string()) return invalid_argument(where + ".team: expected a team name");
    std::optional<int> index;
    for (size_t t = 0; t < rules.teams.size(); ++t) {
      if (rules.teams[t].name == team->as_string()) index = static_cast<int>(t);
    }
    if (!index) {
      std::string names;
      for (const auto& t : rules.teams) names += (names.empty() ? "" : ", ") + t.name;
      return invalid_argument(where + ".team: \"" + std::string(team->as_string()) +
                              "\" is not a team of the rule set (" + names + ")");
    }
    auto p = decode_player(*o, std::move(*id), rules);
    if (!p.ok()) return invalid_argument(where + "." + p.status().message());
    p->team = index;
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace sapi::api
