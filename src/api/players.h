#pragma once

// A player's own rewards and sessions (player token; someone else's is 403).

#include "api/player_auth.h"
#include "http/router.h"
#include "sessions/session_summaries.h"

namespace sapi::api {

// GET /players/{playerId}/rewards: 200 {"playerId", "rewards": [{"rewardId", "granted": true,
// "grantedAt", "sessionId", "lastGrantedAt", "lastSessionId"}]}, ordered by rewardId;
// times are ISO-8601 UTC. `grantedAt`/`sessionId` are the first grant.
PlayerHandler player_rewards_handler(sessions::SessionSummaries& summaries);

// GET /players/{playerId}/sessions?limit=N&cursor=C: 200 {"playerId", "sessions":
// [{"sessionId", "endTime"?, "rewards", "ttl", "createdAt"}], "nextCursor"?}: unexpired
// sessions, newest first; `limit` 1..100 (default 20); pass `nextCursor` back as `cursor`
// for the next page. A bad limit or cursor is 400 INVALID_REQUEST.
PlayerHandler player_sessions_handler(sessions::SessionSummaries& summaries);

// Adds both routes behind `auth`. `summaries` must outlive the router.
void add_player_routes(http::Router& router, const PlayerAuth& auth,
                       sessions::SessionSummaries& summaries);

}  // namespace sapi::api
