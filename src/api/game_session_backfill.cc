// POST and DELETE /game-sessions/{gameSessionId}/backfill: StartMatchBackfill and
// StopMatchBackfill for the calling server's game sessions.

#include <boost/json.hpp>
#include <memory>
#include <set>

#include "api/error.h"
#include "api/game_servers_api.h"
#include "api/matchmaking_request.h"
#include "fleet/game_session.h"

namespace sapi::api {
namespace json = boost::json;
namespace {

// The seated players (RESERVED or ACTIVE) as backfill players, with the team and attributes
// the matchmaker data gave them. Attributes go back to their plain JSON values.
json::array seated_players(const fleet::GameSession& g) {
  std::set<std::string> seated;
  for (const auto& p : g.player_sessions) {
    if (p.status == fleet::PlayerSessionStatus::kReserved ||
        p.status == fleet::PlayerSessionStatus::kActive) {
      seated.insert(p.player_id);
    }
  }
  json::array out;
  boost::system::error_code ec;
  json::value data = json::parse(g.matchmaker_data, ec);
  const json::value* teams =
      !ec && data.is_object() ? data.get_object().if_contains("teams") : nullptr;
  if (!teams || !teams->is_array()) return out;
  for (const json::value& team : teams->get_array()) {
    if (!team.is_object()) continue;
    const json::value* name = team.get_object().if_contains("name");
    const json::value* players = team.get_object().if_contains("players");
    if (!name || !name->is_string() || !players || !players->is_array()) continue;
    for (const json::value& p : players->get_array()) {
      if (!p.is_object()) continue;
      const json::value* id = p.get_object().if_contains("playerId");
      if (!id || !id->is_string() || !seated.count(std::string(id->get_string()))) continue;
      json::object attributes;
      if (const json::value* a = p.get_object().if_contains("attributes"); a && a->is_object()) {
        for (const auto& [k, v] : a->get_object()) {
          const json::value* value =
              v.is_object() ? v.get_object().if_contains("valueAttribute") : nullptr;
          if (value) attributes[k] = *value;
        }
      }
      out.push_back(
          json::object{{"playerId", *id}, {"team", *name}, {"playerAttributes", attributes}});
    }
  }
  return out;
}

http::Response fleet_lookup_error(const Status& status) {
  return status.code() == Code::kNotFound ? error_response(status, "GAME_SESSION_NOT_FOUND")
                                          : error_response(status);
}

}  // namespace

void add_backfill_routes(http::Router& router, const GameServerAuth& auth, fleet::Fleet& fleet,
                         matchmaking::MatchmakingService& service, JsonLimits limits) {
  router.add(
      http::Method::kPost, "/game-sessions/{gameSessionId}/backfill",
      auth.require_game_server([&fleet, &service, limits](http::Request& request,
                                                          http::Responder responder,
                                                          const GameServer& caller) {
        auto g = fleet.game_session(caller.access_key_id,
                                    std::string(request.path_param("gameSessionId").value_or("")));
        if (!g.ok()) return responder.send(fleet_lookup_error(g.status()));
        if (g->status == fleet::GameSessionStatus::kTerminated) {
          return responder.send(error_response(
              failed_precondition("game session " + g->game_session_id + " is TERMINATED"),
              "GAME_SESSION_TERMINATED"));
        }
        json::object body;
        if (!request.body.empty()) {
          auto parsed = parse_json_object(request.body, limits);
          if (!parsed.ok()) return responder.send(error_response(parsed.status()));
          body = std::move(*parsed);
        }
        const matchmaking::Configuration* config = service.configuration(g->configuration);
        if (!config) {
          return responder.send(error_response(invalid_argument(
              "the game session's configuration " + g->configuration + " no longer exists")));
        }
        matchmaking::BackfillRequest backfill;
        if (const json::value* id = body.if_contains("ticketId"); id && !id->is_null()) {
          if (!id->is_string()) {
            return responder.send(error_response(invalid_argument("ticketId must be a string")));
          }
          backfill.ticket_id = std::string(id->get_string());
        }
        json::array players;
        if (const json::value* given = body.if_contains("players"); given && !given->is_null()) {
          if (!given->is_array()) {
            return responder.send(error_response(invalid_argument("players must be an array")));
          }
          players = given->get_array();
        } else {
          players = seated_players(*g);
        }
        auto decoded = decode_backfill_players(players, *config);
        if (!decoded.ok()) return responder.send(error_response(decoded.status()));
        backfill.configuration = g->configuration;
        backfill.game_session_arn = g->game_session_arn;
        backfill.players = std::move(*decoded);
        backfill.rules = config->rules.get();  // what decoded them, should a reload come between
        auto shared = std::make_shared<http::Responder>(std::move(responder));
        service.start_backfill(std::move(backfill), [shared](Result<matchmaking::TicketPtr> t) {
          if (!t.ok()) {
            return shared->send(t.status().code() == Code::kAlreadyExists
                                    ? error_response(t.status(), "BACKFILL_IN_PROGRESS")
                                    : error_response(t.status()));
          }
          shared->send(http::Response::json(
              200,
              json::serialize(json::object{{"ticketId", (*t)->ticket_id}, {"status", "QUEUED"}})));
        });
      }));

  router.add(
      http::Method::kDelete, "/game-sessions/{gameSessionId}/backfill/{ticketId}",
      auth.require_game_server([&fleet, &service](http::Request& request, http::Responder responder,
                                                  const GameServer& caller) {
        auto g = fleet.game_session(caller.access_key_id,
                                    std::string(request.path_param("gameSessionId").value_or("")));
        if (!g.ok()) return responder.send(fleet_lookup_error(g.status()));
        std::string ticket_id(request.path_param("ticketId").value_or(""));
        auto t = service.describe(ticket_id);
        if (!t.ok() || !(*t)->backfill || (*t)->game_session_arn != g->game_session_arn) {
          return responder.send(
              http::json_error(404, "TICKET_NOT_FOUND",
                               "no backfill ticket " + ticket_id + " for this game session"));
        }
        auto shared = std::make_shared<http::Responder>(std::move(responder));
        service.cancel(ticket_id, [shared](Result<matchmaking::TicketPtr> done) {
          if (!done.ok()) return shared->send(error_response(done.status()));
          shared->send(http::Response::json(
              200, json::serialize(
                       json::object{{"ticketId", (*done)->ticket_id},
                                    {"status", matchmaking::status_name((*done)->status)}})));
        });
      }));
}

}  // namespace sapi::api
