#include "api/identity.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>

#include "auth/local_issuer.h"
#include "base/clock.h"

namespace sapi::api {

void add_identity_routes(http::Router& router, const PlayerAuth& auth) {
  router.add(
      http::Method::kGet, "/identity/player",
      auth.require_player([](http::Request&, http::Responder responder, const Identity& who) {
        boost::json::array groups;
        for (const auto& g : who.groups) groups.emplace_back(g);
        auto expires = Clock::TimePoint(std::chrono::seconds(who.expires_at));
        boost::json::object body{{"playerId", who.player_id},
                                 {"tokenUse", who.token_use},
                                 {"expiresAt", format_iso8601(expires)},
                                 {"groups", std::move(groups)}};
        responder.send(http::Response::json(200, boost::json::serialize(body)));
      }));
}

void add_local_issuer_routes(http::Router& router, const auth::LocalIssuer& issuer) {
  router.add(http::Method::kGet, "/.well-known/jwks.json",
             [&issuer](http::Request&, http::Responder responder) {
               http::Response r = http::Response::json(200, issuer.jwks_json());
               r.headers.push_back({"cache-control", "public, max-age=300"});
               responder.send(std::move(r));
             });
}

}  // namespace sapi::api
