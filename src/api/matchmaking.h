#pragma once

// The matchmaking routes (player token; a player sees and acts on the tickets it is on only,
// anyone else's ticket is 404 TICKET_NOT_FOUND): see docs/matchmaking.md.
//
//   POST   /matchmaking/start               the seed's body; optional ticketId,
//                                           configurationName, players (a party)
//   GET    /matchmaking/status/{ticketId}   ?waitSeconds=N (at most 20) long-polls;
//                                           &knownStatus=S answers at once if no longer S
//   DELETE /matchmaking/cancel/{ticketId}   idempotent
//   POST   /matchmaking/accept/{ticketId}   {"acceptanceType": "ACCEPT" | "REJECT"}

#include <memory>

#include "api/json_body.h"
#include "api/matchmaking_rate_limit.h"
#include "api/player_auth.h"
#include "base/clock.h"
#include "http/router.h"
#include "matchmaking/service.h"

namespace sapi::api {

struct MatchmakingRouteOptions {
  JsonLimits json;
  int max_wait_seconds = 20;  // waitSeconds above this is clamped
  // Per-player token bucket over the four routes; rate <= 0 disables it.
  double rate_per_second = 10;
  double burst = 20;
};

// The JSON the start route answers for `ticket`: ticketId, status, estimatedWaitTime (when
// known) and startTime.
std::string ticket_start_json(const matchmaking::TicketView& ticket,
                              std::optional<int> estimated_wait_seconds);

// The JSON the status route answers for `ticket` (unknown values omitted).
std::string ticket_status_json(const matchmaking::TicketView& ticket,
                               std::optional<int> estimated_wait_seconds);

// Mounts the four routes behind `auth`. `auth`, `service` and `clock` must outlive the router.
void add_matchmaking_routes(http::Router& router, const PlayerAuth& auth,
                            matchmaking::MatchmakingService& service, const Clock& clock,
                            const MatchmakingRouteOptions& options);

}  // namespace sapi::api
