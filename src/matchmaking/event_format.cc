#include "matchmaking/event_format.h"

#include <boost/json.hpp>

#include "matchmaking/ids.h"

namespace sapi::matchmaking {

namespace json = boost::json;

MatchmakingEvent make_event(const Configuration& config, std::string_view region,
                            std::string_view account, std::string_view type,
                            const std::vector<const TicketView*>& tickets, json::object detail,
                            Clock::TimePoint now) {
  MatchmakingEvent e;
  e.type = std::string(type);
  e.configuration = config.name;
  json::array list;
  for (const TicketView* t : tickets) {
    json::object ticket;
    ticket["ticketId"] = t->ticket_id;
    ticket["startTime"] = format_iso8601(t->start_time);
    json::array players;
    for (const auto& p : t->players) {
      json::object player;
      player["playerId"] = p.player_id;
      if (!p.team.empty()) player["team"] = p.team;
      if (!p.player_session_id.empty()) player["playerSessionId"] = p.player_session_id;
      if (p.accepted) player["accepted"] = *p.accepted;
      players.push_back(std::move(player));
      e.player_ids.push_back(p.player_id);
    }
    ticket["players"] = std::move(players);
    list.push_back(std::move(ticket));
  }
  detail["type"] = e.type;
  detail["tickets"] = std::move(list);
  if (!config.custom_event_data.empty()) detail["customEventData"] = config.custom_event_data;

  e.envelope["version"] = "0";
  e.envelope["id"] = random_uuid();
  e.envelope["detail-type"] = "GameLift Matchmaking Event";
  e.envelope["source"] = "aws.gamelift";
  e.envelope["account"] = account;
  e.envelope["time"] = format_iso8601(now);
  e.envelope["region"] = region;
  e.envelope["resources"] = json::array{json::value(config.arn(region))};
  e.envelope["detail"] = std::move(detail);
  return e;
}

json::object potential_match_detail(const Configuration& config, std::string_view match_id,
                                    const std::vector<flexmatch::RuleCount>& metrics) {
  json::object d;
  d["acceptanceRequired"] = config.acceptance_required;
  if (config.acceptance_required) d["acceptanceTimeout"] = config.acceptance_timeout_seconds;
  json::array rules;
  for (const auto& m : metrics) {
    rules.push_back({{"ruleName", m.rule}, {"passedCount", m.passed}, {"failedCount", m.failed}});
  }
  d["ruleEvaluationMetrics"] = std::move(rules);
  d["matchId"] = match_id;
  return d;
}

json::object succeeded_detail(std::string_view match_id,
                              const std::vector<const TicketView*>& tickets,
                              const ConnectionInfo* connection) {
  json::array players;
  for (const TicketView* t : tickets) {
    for (const auto& p : t->players) {
      players.push_back(
          {{"playerId", p.player_id}, {"playerSessionId", p.player_session_id}, {"team", p.team}});
    }
  }
  json::object info;
  if (connection) {
    info["gameSessionArn"] = connection->game_session_arn;
    info["ipAddress"] = connection->ip_address;
    if (!connection->dns_name.empty()) info["dnsName"] = connection->dns_name;
    info["port"] = connection->port;
  }
  info["players"] = std::move(players);
  return {{"matchId", match_id}, {"gameSessionInfo", std::move(info)}};
}

}  // namespace sapi::matchmaking
