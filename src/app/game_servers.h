#pragma once

#include "api/game_server_auth.h"
#include "app/routes.h"

namespace sapi::app {

// Sets up game-server authentication as configured ([auth] sigv4_*, credentials_file):
// loads the credentials file (refusing one that group or others can read), logs the mode,
// mounts GET/POST /identity/game-server and returns the GameServerAuth for other route
// groups (e.g. POST /session-summary). The file is reloaded when it changes, so
// `session-api credentials create|revoke` take effect within a second.
Result<api::GameServerAuth*> mount_game_server_auth(Services& services, http::Router& router);

}  // namespace sapi::app
