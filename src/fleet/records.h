#pragma once

// The fleet's own serialization of servers and game sessions for store::FleetStore blobs.

#include <string>

#include "base/result.h"
#include "fleet/game_session.h"

namespace sapi::fleet {

std::string encode_server(const GameServer& server);
Result<GameServer> decode_server(const std::string& blob);

std::string encode_session(const GameSession& session);
Result<GameSession> decode_session(const std::string& blob);

}  // namespace sapi::fleet
