#pragma once

// The fleet as configured by [fleet]: built before matchmaking (it is the Placer of WITH_QUEUE
// configurations) and mounted once game-server authentication exists.

#include "api/game_server_auth.h"
#include "app/routes.h"
#include "fleet/fleet.h"
#include "matchmaking/service.h"

namespace sapi::app {

// Loads the queues (fleet.queues_file plus the embedded `default`), restores the fleet from
// the store and starts it; kept alive by `services`. Fails on an unreadable queues file or
// store, or a heartbeat time-out not longer than the interval.
Result<fleet::Fleet*> create_fleet(Services& services);

// Mounts the game-server API (docs/game-server-api.md) behind `auth`, with the backfill
// routes when there is a matchmaking `service`; then a game session that ends also cancels
// its active backfill ticket, and so, at once, does one that ended in the previous run.
void mount_fleet(Services& services, http::Router& router, const api::GameServerAuth& auth,
                 fleet::Fleet& fleet, matchmaking::MatchmakingService* service);

}  // namespace sapi::app
