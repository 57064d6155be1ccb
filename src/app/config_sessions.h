#pragma once

// The [sessions] section and the session-summary routes built from it. Keys:
// docs/configuration.md; rules: docs/storage.md.

#include <cstdint>
#include <functional>
#include <string>

#include "app/config.h"
#include "app/config_binder.h"
#include "base/status.h"

namespace sapi::api {
class GameServerAuth;
class PlayerAuth;
}  // namespace sapi::api
namespace sapi::http {
class Router;
}

namespace sapi::app {

struct Services;

struct SessionsConfig {
  // A session expires this long after it ended (the original's 72 hours).
  int64_t session_ttl_hours = 72;
  // A file listing the reward ids a game may grant (one per line, or a JSON array); empty:
  // any well-formed id is accepted.
  std::string rewards_catalogue_file;
  // How often the sweeper deletes expired sessions, and at most how many per transaction.
  int64_t sweep_interval_seconds = 60;
  int64_t sweep_batch_size = 1000;
  // POST /session-summary only for players the fleet placed on the calling server's key.
  bool require_placed_player = false;
};

// Binds the [sessions] keys; registered in app/config_sections.cc.
void bind_sessions_config(ConfigBinder& b, Config& c);

// Mounts POST /session-summary (signed by game servers) and GET /players/{playerId}/rewards
// and /sessions (player tokens), and starts the expired-session sweeper (metric
// sessions_swept_total). With sessions.require_placed_player, `placed_player(access key id,
// player id)` decides whom a game server may report for. Fails when the rewards catalogue
// cannot be read.
Status mount_sessions(
    Services& services, http::Router& router, const api::PlayerAuth& players,
    const api::GameServerAuth& game_servers,
    std::function<bool(const std::string&, const std::string&)> placed_player = {});

}  // namespace sapi::app
