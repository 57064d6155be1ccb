#pragma once

// Game-server authentication for HTTP routes: AWS Signature Version 4 (Authorization header or
// presigned URL) checked by a sigv4::Verifier against the credentials file, then the
// credential's route list.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/sigv4_verifier.h"
#include "base/result.h"
#include "http/router.h"

namespace sapi::api {

// The game server a request comes from. Never holds the secret or the session token.
struct GameServer {
  std::string name;
  std::string access_key_id;
  std::optional<int64_t> expires_at;  // epoch seconds, for temporary credentials
};

// A handler that needs a game server.
using GameServerHandler = std::function<void(http::Request&, http::Responder, const GameServer&)>;

class GameServerAuth {
 public:
  explicit GameServerAuth(std::unique_ptr<auth::sigv4::Verifier> verifier);

  // Wraps `handler` so that it runs only for a request signed by a known credential that may
  // call this method and path. Otherwise answers 403 {"error":"FORBIDDEN","message":
  // "<AWS reason>: <text>"} with the reason also in `x-amzn-ErrorType`, before any handler
  // logic. On success sets request.caller to "<name>/<access key id>". The GameServerAuth
  // must outlive the returned handler.
  http::Handler require_game_server(GameServerHandler handler) const;

  // Authenticates a request without answering it.
  Result<GameServer> authenticate(http::Request& request) const;

 private:
  std::unique_ptr<auth::sigv4::Verifier> verifier_;
};

// The 403 response for a refused signature.
http::Response sigv4_error_response(const Status& status);

// GET and POST /identity/game-server (signed): the calling game server's identity
// ({"name","accessKeyId","expiresAt"?}), like STS GetCallerIdentity, for setting a server up.
void add_game_server_identity_routes(http::Router& router, const GameServerAuth& auth);

}  // namespace sapi::api
