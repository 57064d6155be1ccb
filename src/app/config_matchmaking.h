#pragma once

// The [matchmaking] section and the matchmaking service built from it. Keys:
// docs/configuration.md; configurations and decisions: docs/matchmaking.md.

#include <cstdint>
#include <memory>
#include <string>

#include "app/config.h"
#include "app/config_binder.h"
#include "base/result.h"

namespace sapi::api {
class PlayerAuth;
}
namespace sapi::http {
class Router;
}
namespace sapi::matchmaking {
class MatchmakingService;
class Placer;
}  // namespace sapi::matchmaking

namespace sapi::app {

struct Services;

struct MatchmakingConfig {
  // A JSON file of matchmaking configurations (docs/matchmaking.md); empty: the embedded
  // default (matchmaking_configuration_name with a two-team rule set, and seed-game).
  std::string configurations_file;
  int64_t cycle_interval_ms = 50;
  int64_t finished_ticket_retention_seconds = 3600;
  int64_t max_wait_seconds = 20;
  // Per-player token bucket over the matchmaking routes; 0 disables it.
  int64_t rate_limit_per_second = 10;
  int64_t rate_limit_burst = 20;
};

// Binds the [matchmaking] keys; registered in app/config_sections.cc.
void bind_matchmaking_config(ConfigBinder& b, Config& c);

// Loads the configurations (every rule set validated: an invalid one fails with the
// validator's messages), starts the matchmaking service on the store's tickets (resuming
// unfinished ones) and mounts the matchmaking routes behind `auth`. The service is kept
// alive by `services`. On SIGHUP (Services::reload_hooks) the configurations are read again
// and replace the running ones without losing tickets (MatchmakingService::reload); a file
// that does not load leaves them as they are. `placer` (may be null) places WITH_QUEUE matches; it
// must be kept before the service (Services::keep() releases newest first) so that it outlives it.
// Returns the service, e.g. for the game-server backfill routes.
Result<matchmaking::MatchmakingService*> mount_matchmaking(Services& services, http::Router& router,
                                                           const api::PlayerAuth& auth,
                                                           matchmaking::Placer* placer);
// The same without a placer: WITH_QUEUE matches end FAILED ("no placement service").
Status mount_matchmaking(Services& services, http::Router& router, const api::PlayerAuth& auth);

}  // namespace sapi::app
