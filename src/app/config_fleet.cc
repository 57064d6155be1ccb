#include "app/config_fleet.h"

#include "fleet/game_session.h"

namespace sapi::app {

void bind_fleet_config(ConfigBinder& b, Config& c) {
  auto& f = c.section<FleetConfig>();
  b.string("name", f.name, [](const std::string& v) -> std::string {
    return fleet::valid_game_server_id(v) ? "" : "expected 1-128 characters of [A-Za-z0-9_.-]";
  });
  b.integer("heartbeat_interval_seconds", f.heartbeat_interval_seconds, 1, 3600);
  b.integer("heartbeat_timeout_seconds", f.heartbeat_timeout_seconds, 1, 86400);
  b.integer("player_session_timeout_seconds", f.player_session_timeout_seconds, 1, 86400);
  b.string("queues_file", f.queues_file);
  b.integer("finished_game_session_retention_seconds", f.finished_game_session_retention_seconds, 0,
            30 * 86400);
}

}  // namespace sapi::app
