#include "api/game_server_auth.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>

#include "auth/sigv4_error.h"
#include "base/clock.h"

namespace sapi::api {

GameServerAuth::GameServerAuth(std::unique_ptr<auth::sigv4::Verifier> verifier)
    : verifier_(std::move(verifier)) {}

http::Response sigv4_error_response(const Status& status) {
  if (status.code() != Code::kPermissionDenied) {
    return http::json_error(500, "INTERNAL", "authentication failed unexpectedly");
  }
  http::Response r = http::json_error(403, "FORBIDDEN", status.message());
  const std::string& m = status.message();
  size_t colon = m.find(':');
  if (colon != std::string::npos) r.headers.push_back({"x-amzn-errortype", m.substr(0, colon)});
  return r;
}

Result<GameServer> GameServerAuth::authenticate(http::Request& request) const {
  // Views into `request`; each I/O thread reuses one, so its header list keeps its capacity.
  thread_local auth::sigv4::SignedRequest signed_request;
  signed_request.headers.clear();
  signed_request.method = request.method_name;
  signed_request.raw_path = request.raw_path;
  signed_request.query = request.query;
  signed_request.body = request.body;
  signed_request.headers.reserve(request.headers.size());
  for (const http::Header& h : request.headers) signed_request.headers.push_back({h.name, h.value});

  auto credential = verifier_->verify(signed_request);
  if (!credential.ok()) return credential.status();
  request.caller.assign(credential->name).append("/").append(credential->access_key_id);
  if (!auth::credential_allows(*credential, request.method_name, request.path)) {
    return auth::sigv4::refusal(auth::sigv4::Reason::kAccessDenied,
                                "credential '" + credential->name + "' is not allowed to call " +
                                    request.method_name + " " + request.path);
  }
  return GameServer{std::move(credential->name), std::move(credential->access_key_id),
                    credential->expires_at};
}

http::Handler GameServerAuth::require_game_server(GameServerHandler handler) const {
  return [this, handler = std::move(handler)](http::Request& request, http::Responder responder) {
    auto server = authenticate(request);
    if (!server.ok()) {
      responder.send(sigv4_error_response(server.status()));
      return;
    }
    handler(request, std::move(responder), server.value());
  };
}

void add_game_server_identity_routes(http::Router& router, const GameServerAuth& auth) {
  auto identity = [](http::Request&, http::Responder responder, const GameServer& who) {
    boost::json::object body{{"name", who.name}, {"accessKeyId", who.access_key_id}};
    if (who.expires_at) {
      body["expiresAt"] = format_iso8601(Clock::TimePoint(std::chrono::seconds(*who.expires_at)));
    }
    responder.send(http::Response::json(200, boost::json::serialize(body)));
  };
  router.add(http::Method::kGet, "/identity/game-server", auth.require_game_server(identity));
  router.add(http::Method::kPost, "/identity/game-server", auth.require_game_server(identity));
}

}  // namespace sapi::api
