#pragma once

#include "api/player_auth.h"
#include "http/router.h"

namespace sapi::auth {
class LocalIssuer;
}

namespace sapi::api {

// GET /identity/player: the caller's identity as the service sees it
// ({"playerId","tokenUse","expiresAt","groups"}), for wiring a client and checking tokens.
void add_identity_routes(http::Router& router, const PlayerAuth& auth);

// GET /.well-known/jwks.json: the local issuer's public keys, when the service runs its own
// issuer. `issuer` must outlive the router.
void add_local_issuer_routes(http::Router& router, const auth::LocalIssuer& issuer);

}  // namespace sapi::api
