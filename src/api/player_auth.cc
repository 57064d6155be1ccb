#include "api/player_auth.h"

#include <cctype>

#include "api/error.h"

namespace sapi::api {
namespace {

bool is_bearer_scheme(std::string_view word) {
  static constexpr std::string_view kBearer = "bearer";
  if (word.size() != kBearer.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != kBearer[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view bearer_token(std::string_view authorization) {
  std::string_view value = trim(authorization);
  size_t space = value.find_first_of(" \t");
  if (space == std::string_view::npos) return is_bearer_scheme(value) ? std::string_view() : value;
  if (!is_bearer_scheme(value.substr(0, space))) return {};  // another scheme, or junk
  return trim(value.substr(space + 1));
}

http::Response auth_error_response(const Status& status) {
  switch (status.code()) {
    case Code::kUnauthenticated: {
      http::Response r = http::json_error(401, "UNAUTHORIZED", status.message());
      r.headers.push_back({"www-authenticate", "Bearer"});
      return r;
    }
    case Code::kPermissionDenied:
      return http::json_error(403, "FORBIDDEN", status.message());
    case Code::kUnavailable:
      return error_response(status, "UNAVAILABLE");
    default:
      return http::json_error(500, "INTERNAL", "authentication failed unexpectedly");
  }
}

PlayerAuth::PlayerAuth(std::unique_ptr<auth::JwtVerifier> verifier, bool trust_body_player_id)
    : verifier_(std::move(verifier)), trust_body_player_id_(trust_body_player_id) {}

Result<Identity> PlayerAuth::authenticate(http::Request& request) const {
  auto header = request.header("authorization");
  if (!header) return unauthenticated("missing Authorization header");
  std::string_view token = bearer_token(*header);
  if (token.empty()) return unauthenticated("missing bearer token");
  auto verified = verifier_->verify(token);
  if (!verified.ok()) return verified.status();
  request.user = verified->player_id;
  request.caller = verified->subject.empty() ? verified->player_id : verified->subject;
  return Identity{std::move(verified->player_id), std::move(verified->token_use),
                  verified->expires_at, std::move(verified->groups)};
}

http::Handler PlayerAuth::require_player(PlayerHandler handler) const {
  return [this, handler = std::move(handler)](http::Request& request, http::Responder responder) {
    auto identity = authenticate(request);
    if (!identity.ok()) {
      responder.send(auth_error_response(identity.status()));
      return;
    }
    handler(request, std::move(responder), identity.value());
  };
}

Result<std::string> PlayerAuth::acting_player(const Identity& identity,
                                              std::string_view named) const {
  if (named.empty() || named == identity.player_id) return identity.player_id;
  if (trust_body_player_id_) return std::string(named);
  return permission_denied("playerId does not match the authenticated player");
}

}  // namespace sapi::api
