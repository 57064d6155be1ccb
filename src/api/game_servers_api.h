#pragma once

// The game-server API (docs/game-server-api.md): registration, heartbeats, the long poll for
// the next game session, activation, player sessions and the end of a game session. Every
// route is signed with SigV4 and a server acts for itself only: a call about another key's
// server or game session is 403 FORBIDDEN.

#include <boost/json/object.hpp>

#include "api/game_server_auth.h"
#include "api/json_body.h"
#include "base/clock.h"
#include "fleet/fleet.h"
#include "http/router.h"
#include "matchmaking/service.h"

namespace sapi::api {

struct GameServerRouteOptions {
  JsonLimits json;
  int max_wait_seconds = 20;  // the longest long poll
};

// The contract's GameSession object.
boost::json::object game_session_json(const fleet::GameSession& session);

// Mounts the routes behind `auth`; `fleet` and `clock` must outlive the router.
void add_game_server_routes(http::Router& router, const GameServerAuth& auth, fleet::Fleet& fleet,
                            const Clock& clock, GameServerRouteOptions options);

// FlexMatch's StartMatchBackfill and StopMatchBackfill for a game session of the calling
// server: POST /game-sessions/{gameSessionId}/backfill ({"ticketId"?, "players"?}; without
// players, the game session's seated players with their teams and attributes from its
// matchmaker data) answers {"ticketId", "status": "QUEUED"}, 409 BACKFILL_IN_PROGRESS while
// one is active; DELETE /game-sessions/{gameSessionId}/backfill/{ticketId} answers
// {"ticketId", "status": "CANCELLED"}. The objects must outlive the router.
void add_backfill_routes(http::Router& router, const GameServerAuth& auth, fleet::Fleet& fleet,
                         matchmaking::MatchmakingService& service, JsonLimits json);

}  // namespace sapi::api
