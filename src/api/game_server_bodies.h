#pragma once

// The request bodies of the game-server API that carry fields (docs/game-server-api.md):
// registration and heartbeat. Decoding is apart from the routes so that the fuzz targets and
// tests reach it without a server. Every problem is kInvalidArgument naming the field.

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "api/json_body.h"
#include "base/result.h"
#include "fleet/fleet.h"

namespace sapi::api {

// POST /game-servers: `ipAddress`, `location`, `port` (1..65535) and `maxPlayers` (1..200)
// required; `gameServerId`, `dnsName` and `labels` (an object of strings) optional. Optional
// fields may be null.
Result<fleet::GameServerSpec> decode_registration(const boost::json::object& body);

// POST /game-servers/{id}/heartbeat: an empty body or an object with the optional
// `playerCount` (0..100000) and `health` ("HEALTHY" or "UNHEALTHY"); null counts as absent.
// The count against the server's own maxPlayers is the fleet's check (Fleet::heartbeat).
struct Heartbeat {
  std::optional<int> player_count;
  std::optional<fleet::Health> health;
};
Result<Heartbeat> decode_heartbeat(std::string_view body, const JsonLimits& limits);

}  // namespace sapi::api
