#pragma once

// POST /session-summary (SigV4, game servers only): records one player's session and the
// rewards it granted, answering only once they are durable.

#include <functional>
#include <string>

#include "api/game_server_auth.h"
#include "api/json_body.h"
#include "base/clock.h"
#include "http/router.h"
#include "sessions/session_summaries.h"

namespace sapi::api {

// Whether the game server of `access_key_id` may report for `player_id`
// (sessions.require_placed_player); unset: any signed game server may.
using PlacedPlayerCheck =
    std::function<bool(const std::string& access_key_id, const std::string& player_id)>;

// The handler behind the signature check. Answers
// - 200 {"success": true, "playerId", "sessionId", "rewardsStored", "ttl"} once the summary
//   is committed; a replay of a recorded summary gets the same body;
// - 400 INVALID_REQUEST for a malformed body (the original's messages where it had them),
//   400 INVALID_REWARD_ID naming an id the rewards catalogue does not list;
// - 403 PLAYER_NOT_PLACED when `placed` is set and says no;
// - 409 CONFLICT when a different summary was already recorded for (playerId, sessionId);
// - 503 or 500 STORAGE_FAILED when the store could not commit (the game server retries).
// `summaries` and `clock` must outlive the handler.
GameServerHandler session_summary_handler(sessions::SessionSummaries& summaries, const Clock& clock,
                                          JsonLimits limits, PlacedPlayerCheck placed = {});

// Adds POST /session-summary behind `auth`.
void add_session_summary_routes(http::Router& router, const GameServerAuth& auth,
                                sessions::SessionSummaries& summaries, const Clock& clock,
                                JsonLimits limits, PlacedPlayerCheck placed = {});

}  // namespace sapi::api
