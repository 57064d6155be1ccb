#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt_verifier.h"
#include "base/result.h"
#include "http/router.h"

namespace sapi::api {

// The player a request acts for, from its verified token.
struct Identity {
  std::string player_id;
  std::string token_use;   // "id" or "access"
  int64_t expires_at = 0;  // epoch seconds
  std::vector<std::string> groups;
};

// A handler that needs an authenticated player.
using PlayerHandler = std::function<void(http::Request&, http::Responder, const Identity&)>;

// Player authentication for HTTP routes: Cognito-style bearer tokens checked by a
// JwtVerifier. Thread safe; build once at start-up and share.
class PlayerAuth {
 public:
  PlayerAuth(std::unique_ptr<auth::JwtVerifier> verifier, bool trust_body_player_id);

  // Wraps `handler` so that it runs only for a request with a valid token in
  // `Authorization: <token>` or `Authorization: Bearer <token>`. Otherwise answers 401
  // {"error":"UNAUTHORIZED","message":<reason>} with `WWW-Authenticate: Bearer` (or 403
  // FORBIDDEN when the token is valid but lacks a required group) before any handler logic.
  // On success sets request.user (player id) and request.caller (token subject). The
  // PlayerAuth must outlive the returned handler.
  http::Handler require_player(PlayerHandler handler) const;

  // Authenticates a request without answering it (for routes that answer themselves).
  Result<Identity> authenticate(http::Request& request) const;

  // The player id a request may act as, given the `playerId` it names (in its body or
  // path; empty when it names none). Naming another player than the token's is
  // kPermissionDenied, unless the deployment trusts the body's playerId (compatibility with
  // the original service), in which case the named player is returned.
  Result<std::string> acting_player(const Identity& identity, std::string_view named) const;

  bool trusts_body_player_id() const { return trust_body_player_id_; }

 private:
  std::unique_ptr<auth::JwtVerifier> verifier_;
  bool trust_body_player_id_;
};

// The bearer token of an Authorization header value: "Bearer <t>" (scheme case-insensitive)
// or a bare "<t>". Empty when there is none.
std::string_view bearer_token(std::string_view authorization);

// The error response for a failed authentication or identity check: 401 UNAUTHORIZED with
// WWW-Authenticate for kUnauthenticated, 403 FORBIDDEN for kPermissionDenied, 503 or 500
// otherwise.
http::Response auth_error_response(const Status& status);

}  // namespace sapi::api
