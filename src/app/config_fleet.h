#pragma once

// The [fleet] section: game servers, game sessions and placement. Keys:
// docs/configuration.md; the API: docs/game-server-api.md.

#include <cstdint>
#include <string>

#include "app/config.h"
#include "app/config_binder.h"

namespace sapi::app {

struct FleetConfig {
  // In game session ARNs: arn:aws:gamelift:{region}::gamesession/{name}/{id}.
  std::string name = "session-api";
  int64_t heartbeat_interval_seconds = 10;
  int64_t heartbeat_timeout_seconds = 30;
  int64_t player_session_timeout_seconds = 60;
  // A JSON file of game session queues; empty: only the embedded `default` queue.
  std::string queues_file;
  int64_t finished_game_session_retention_seconds = 3600;
};

// Binds the [fleet] keys; registered in app/config_sections.cc.
void bind_fleet_config(ConfigBinder& b, Config& c);

}  // namespace sapi::app
