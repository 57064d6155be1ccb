#include "matchmaking/match_placement.h"

#include <boost/json.hpp>

namespace sapi::matchmaking {
namespace {

namespace json = boost::json;

// GameLift's typed attribute form of matchmaker data, e.g. {"attributeType": "DOUBLE",
// "valueAttribute": 23.0}.
json::object typed_attribute(const flexmatch::AttributeValue& v) {
  json::object o;
  if (v.is_number()) {
    o["attributeType"] = "DOUBLE";
    o["valueAttribute"] = v.as_number();
  } else if (v.is_string()) {
    o["attributeType"] = "STRING";
    o["valueAttribute"] = v.as_string();
  } else if (v.is_string_list()) {
    json::array list;
    for (const auto& s : v.as_string_list()) list.push_back(json::value(s));
    o["attributeType"] = "STRING_LIST";
    o["valueAttribute"] = std::move(list);
  } else {
    json::object map;
    for (const auto& [k, n] : v.as_string_number_map()) map[k] = n;
    o["attributeType"] = "STRING_DOUBLE_MAP";
    o["valueAttribute"] = std::move(map);
  }
  return o;
}

json::object player_data(const PlayerView& p, const flexmatch::RuleSet& rules) {
  json::object attributes;
  for (size_t i = 0; i < p.decoded.attributes.size() && i < rules.attributes.size(); ++i) {
    if (p.decoded.attributes[i].present()) {
      attributes[rules.attributes[i].name] = typed_attribute(p.decoded.attributes[i]);
    }
  }
  return {{"playerId", p.player_id}, {"attributes", std::move(attributes)}};
}

}  // namespace

std::string matchmaker_data(const Configuration& config, std::string_view region,
                            const std::string& match_id,
                            const std::vector<const TicketView*>& tickets,
                            std::string_view auto_backfill_ticket_id) {
  const flexmatch::RuleSet& rules = *config.rules;
  json::array teams;
  for (const auto& team : rules.teams) {
    json::array players;
    for (const TicketView* t : tickets) {
      for (const auto& p : t->players) {
        if (p.team == team.name) players.push_back(player_data(p, rules));
      }
    }
    teams.push_back({{"name", team.name}, {"players", std::move(players)}});
  }
  json::object o;
  o["matchId"] = match_id;
  o["matchmakingConfigurationArn"] = config.arn(region);
  o["teams"] = std::move(teams);
  o["autoBackfillMode"] = backfill_mode_name(config.backfill_mode);
  if (!auto_backfill_ticket_id.empty()) o["autoBackfillTicketId"] = auto_backfill_ticket_id;
  return json::serialize(o);
}

PlacementRequest make_placement_request(const Configuration& config, std::string_view region,
                                        const std::string& match_id,
                                        const std::vector<const TicketView*>& tickets,
                                        std::string_view auto_backfill_ticket_id) {
  PlacementRequest r;
  r.placement_id = match_id;
  r.configuration = config.name;
  r.configuration_arn = config.arn(region);
  r.queue = config.queue;
  r.game_properties = config.game_properties;
  r.game_session_data = config.game_session_data;
  for (const TicketView* t : tickets) {
    if (t->backfill) {
      r.game_session_arn = t->game_session_arn;
      continue;
    }
    for (const auto& p : t->players) {
      r.players.push_back({p.player_id, t->ticket_id, p.team, p.decoded.latencies});
    }
  }
  r.matchmaker_data = matchmaker_data(config, region, match_id, tickets, auto_backfill_ticket_id);
  return r;
}

bool has_open_slots(const flexmatch::RuleSet& rules, size_t players) {
  double capacity = 0;
  for (const auto& team : rules.teams) capacity += team.max_players.base;
  return capacity > static_cast<double>(players);
}

}  // namespace sapi::matchmaking
