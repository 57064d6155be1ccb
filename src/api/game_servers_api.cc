#include "api/game_servers_api.h"

#include <boost/json.hpp>
#include <charconv>
#include <memory>
#include <mutex>
#include <optional>

#include "api/error.h"
#include "api/game_server_bodies.h"

namespace sapi::api {
namespace json = boost::json;
namespace {

using fleet::Fleet;

http::Response ok(json::object body) { return http::Response::json(200, json::serialize(body)); }

// The route's own API codes for fleet errors; the clients match on these.
struct ErrorCodes {
  std::string_view not_found;
  std::string_view conflict = "CONFLICT";
};

http::Response fleet_error(const Status& status, ErrorCodes codes) {
  switch (status.code()) {
    case Code::kNotFound:
      return error_response(status, codes.not_found);
    case Code::kFailedPrecondition:
      return error_response(status, codes.conflict);
    case Code::kUnavailable:
    case Code::kInternal:
      return error_response(status, "STORAGE_FAILED");
    default:
      return error_response(status);
  }
}

http::Response fleet_error(const Status& status, std::string_view not_found_code) {
  return fleet_error(status, ErrorCodes{not_found_code});
}

// A change answered once it is durable. The store may report the commit before or after the
// fleet call returns the value to render, so whichever comes second sends the answer.
class DurableAnswer {
 public:
  explicit DurableAnswer(http::Responder responder) : responder_(std::move(responder)) {}

  store::WriteDone write_done(const std::shared_ptr<DurableAnswer>& self) {
    return [self](Status status) {
      std::lock_guard lock(self->mu_);
      if (!status.ok()) return self->responder_.send(error_response(status, "STORAGE_FAILED"));
      self->durable_ = true;
      if (self->body_) self->responder_.send(http::Response::json(200, *self->body_));
    };
  }
  void rendered(std::string body) {
    std::lock_guard lock(mu_);
    body_ = std::move(body);
    if (durable_) responder_.send(http::Response::json(200, *body_));
  }
  void failed(http::Response response) {
    std::lock_guard lock(mu_);
    responder_.send(std::move(response));
  }

 private:
  std::mutex mu_;
  http::Responder responder_;
  bool durable_ = false;
  std::optional<std::string> body_;
};

// Runs the fleet call `make` with a WriteDone and answers with `render` of its value once
// the change is durable, or with the error.
template <typename T, typename Make, typename Render>
void durable_call(http::Responder responder, ErrorCodes codes, Make make, Render render) {
  auto answer = std::make_shared<DurableAnswer>(std::move(responder));
  Result<T> result = make(answer->write_done(answer));
  if (!result.ok()) return answer->failed(fleet_error(result.status(), codes));
  answer->rendered(json::serialize(render(*result)));
}

Result<int> wait_seconds(const http::Request& request, int max_wait) {
  auto v = request.query_param("waitSeconds");
  if (!v) return 0;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < 0 || n > max_wait) {
    return invalid_argument("waitSeconds: expected a whole number of seconds from 0 to " +
                            std::to_string(max_wait));
  }
  return n;
}

Result<std::optional<uint64_t>> known_version(const http::Request& request) {
  auto v = request.query_param("knownVersion");
  if (!v) return std::optional<uint64_t>();
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) {
    return invalid_argument("knownVersion: expected a whole number");
  }
  return std::optional<uint64_t>(n);
}

std::string param(const http::Request& request, std::string_view name) {
  return std::string(request.path_param(name).value_or(""));
}

json::object player_session_json(const fleet::PlayerSession& p, bool with_game_session) {
  json::object o{{"playerSessionId", p.player_session_id},
                 {"playerId", p.player_id},
                 {"status", fleet::status_name(p.status)}};
  if (with_game_session) o["gameSessionId"] = p.game_session_id;
  return o;
}

void send_session(http::Responder& responder, Result<std::optional<fleet::GameSession>> result) {
  if (!result.ok()) {
    responder.send(fleet_error(result.status(), "GAME_SESSION_NOT_FOUND"));
    return;
  }
  json::object body;
  body["gameSession"] =
      result->has_value() ? json::value(game_session_json(**result)) : json::value(nullptr);
  responder.send(ok(std::move(body)));
}

void add_server_routes(http::Router& router, const GameServerAuth& auth, Fleet& fleet,
                       const Clock& clock, const GameServerRouteOptions& options) {
  router.add(
      http::Method::kPost, "/game-servers",
      auth.require_game_server([&fleet, options](http::Request& request, http::Responder responder,
                                                 const GameServer& caller) {
        auto body = parse_json_object(request.body, options.json);
        auto spec = body.ok() ? decode_registration(*body) : body.status();
        if (!spec.ok()) return responder.send(error_response(spec.status()));
        const auto& o = fleet.options();
        durable_call<fleet::GameServer>(
            std::move(responder), {"GAME_SERVER_NOT_FOUND"},
            [&](store::WriteDone done) {
              return fleet.register_server(caller.access_key_id, std::move(*spec), std::move(done));
            },
            [&o](const fleet::GameServer& s) {
              return json::object{{"gameServerId", s.spec.game_server_id},
                                  {"location", s.spec.location},
                                  {"status", "ACTIVE"},
                                  {"heartbeatIntervalSeconds", o.heartbeat_interval.count()},
                                  {"heartbeatTimeoutSeconds", o.heartbeat_timeout.count()}};
            });
      }));

  router.add(http::Method::kDelete, "/game-servers/{gameServerId}",
             auth.require_game_server([&fleet](http::Request& request, http::Responder responder,
                                               const GameServer& caller) {
               std::string id = param(request, "gameServerId");
               durable_call<std::string>(
                   std::move(responder), {"GAME_SERVER_NOT_FOUND"},
                   [&](store::WriteDone done) -> Result<std::string> {
                     Status s = fleet.deregister_server(caller.access_key_id, id, std::move(done));
                     if (!s.ok()) return s;
                     return id;
                   },
                   [](const std::string& id) {
                     return json::object{{"gameServerId", id}, {"status", "DEREGISTERED"}};
                   });
             }));

  router.add(
      http::Method::kPost, "/game-servers/{gameServerId}/heartbeat",
      auth.require_game_server([&fleet, options](http::Request& request, http::Responder responder,
                                                 const GameServer& caller) {
        auto beat = decode_heartbeat(request.body, options.json);
        if (!beat.ok()) return responder.send(error_response(beat.status()));
        auto s = fleet.heartbeat(caller.access_key_id, param(request, "gameServerId"),
                                 beat->player_count, beat->health);
        if (!s.ok()) return responder.send(fleet_error(s.status(), "GAME_SERVER_NOT_FOUND"));
        responder.send(ok({{"gameServerId", s->spec.game_server_id},
                           {"status", "ACTIVE"},
                           {"health", fleet::health_name(s->health)}}));
      }));

  router.add(http::Method::kGet, "/game-servers/{gameServerId}/game-session",
             auth.require_game_server([&fleet, &clock, options](http::Request& request,
                                                                http::Responder responder,
                                                                const GameServer& caller) {
               auto wait = wait_seconds(request, options.max_wait_seconds);
               if (!wait.ok()) return responder.send(error_response(wait.status()));
               auto shared = std::make_shared<http::Responder>(std::move(responder));
               fleet.wait_for_game_session(
                   caller.access_key_id, param(request, "gameServerId"),
                   clock.now() + std::chrono::seconds(*wait), [shared](auto result) {
                     if (!result.ok()) {
                       return shared->send(fleet_error(result.status(), "GAME_SERVER_NOT_FOUND"));
                     }
                     send_session(*shared, std::move(result));
                   });
             }));
}

void add_session_routes(http::Router& router, const GameServerAuth& auth, Fleet& fleet,
                        const Clock& clock, const GameServerRouteOptions& options) {
  router.add(http::Method::kGet, "/game-sessions/{gameSessionId}",
             auth.require_game_server([&fleet, &clock, options](http::Request& request,
                                                                http::Responder responder,
                                                                const GameServer& caller) {
               auto wait = wait_seconds(request, options.max_wait_seconds);
               auto known = known_version(request);
               if (!wait.ok()) return responder.send(error_response(wait.status()));
               if (!known.ok()) return responder.send(error_response(known.status()));
               auto shared = std::make_shared<http::Responder>(std::move(responder));
               fleet.watch_game_session(
                   caller.access_key_id, param(request, "gameSessionId"), *known,
                   clock.now() + std::chrono::seconds(*wait),
                   [shared](auto result) { send_session(*shared, std::move(result)); });
             }));

  auto session_body = [](const fleet::GameSession& g) {
    return json::object{{"gameSession", game_session_json(g)}};
  };
  // Activation and the end of a game session take the same arguments and answer alike.
  using Transition = Result<fleet::GameSession> (Fleet::*)(const std::string& access_key_id,
                                                           const std::string& game_session_id,
                                                           store::WriteDone durable);
  // `transition = transition`: clang before 16 cannot capture a structured binding by name.
  for (auto [action, transition] :
       {std::pair<const char*, Transition>{"activate", &Fleet::activate},
        std::pair<const char*, Transition>{"end", &Fleet::end_game_session}}) {
    router.add(http::Method::kPost, std::string("/game-sessions/{gameSessionId}/") + action,
               auth.require_game_server([&fleet, session_body, transition = transition](
                                            http::Request& request, http::Responder responder,
                                            const GameServer& caller) {
                 durable_call<fleet::GameSession>(
                     std::move(responder), {"GAME_SESSION_NOT_FOUND", "GAME_SESSION_TERMINATED"},
                     [&](store::WriteDone done) {
                       return (fleet.*transition)(caller.access_key_id,
                                                  param(request, "gameSessionId"), std::move(done));
                     },
                     session_body);
               }));
  }

  auto player_body = [](const fleet::PlayerSession& p) {
    return json::object{{"playerSession", player_session_json(p, true)}};
  };
  router.add(http::Method::kPost,
             "/game-sessions/{gameSessionId}/player-sessions/{playerSessionId}/accept",
             auth.require_game_server([&fleet, player_body](http::Request& request,
                                                            http::Responder responder,
                                                            const GameServer& caller) {
               durable_call<fleet::PlayerSession>(
                   std::move(responder),
                   {"PLAYER_SESSION_NOT_FOUND", "PLAYER_SESSION_NOT_RESERVED"},
                   [&](store::WriteDone done) {
                     return fleet.accept_player_session(
                         caller.access_key_id, param(request, "gameSessionId"),
                         param(request, "playerSessionId"), std::move(done));
                   },
                   player_body);
             }));
  router.add(http::Method::kDelete,
             "/game-sessions/{gameSessionId}/player-sessions/{playerSessionId}",
             auth.require_game_server([&fleet, player_body](http::Request& request,
                                                            http::Responder responder,
                                                            const GameServer& caller) {
               durable_call<fleet::PlayerSession>(
                   std::move(responder), {"PLAYER_SESSION_NOT_FOUND"},
                   [&](store::WriteDone done) {
                     return fleet.remove_player_session(
                         caller.access_key_id, param(request, "gameSessionId"),
                         param(request, "playerSessionId"), std::move(done));
                   },
                   player_body);
             }));
}

}  // namespace

json::object game_session_json(const fleet::GameSession& g) {
  json::array props;
  for (const auto& [k, v] : g.game_properties) props.push_back({{"key", k}, {"value", v}});
  json::array players;
  for (const auto& p : g.player_sessions) players.push_back(player_session_json(p, false));
  json::object o{{"gameSessionId", g.game_session_id},
                 {"gameSessionArn", g.game_session_arn},
                 {"gameServerId", g.game_server_id},
                 {"location", g.location},
                 {"ipAddress", g.ip_address}};
  if (!g.dns_name.empty()) o["dnsName"] = g.dns_name;
  o["port"] = g.port;
  o["maximumPlayerSessionCount"] = g.maximum_player_session_count;
  o["status"] = fleet::status_name(g.status);
  o["version"] = g.version;
  o["gameProperties"] = std::move(props);
  if (!g.game_session_data.empty()) o["gameSessionData"] = g.game_session_data;
  o["matchmakerData"] = g.matchmaker_data;
  o["playerSessions"] = std::move(players);
  return o;
}

void add_game_server_routes(http::Router& router, const GameServerAuth& auth, Fleet& fleet,
                            const Clock& clock, GameServerRouteOptions options) {
  add_server_routes(router, auth, fleet, clock, options);
  add_session_routes(router, auth, fleet, clock, options);
}

}  // namespace sapi::api
