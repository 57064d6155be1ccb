#include "api/matchmaking.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <memory>
#include <unordered_map>

#include "api/error.h"
#include "api/matchmaking_request.h"

namespace sapi::api {
namespace {

namespace json = boost::json;
namespace mm = sapi::matchmaking;

constexpr std::string_view kNotFoundMessage = "Ticket not found";

struct Context {
  const PlayerAuth& auth;
  mm::MatchmakingService& service;
  const Clock& clock;
  MatchmakingRouteOptions options;
  std::shared_ptr<PlayerRateLimiter> limiter;
};

std::optional<int> wait_estimate(const Context& c, const mm::TicketView& t) {
  if (mm::is_final(t.status) || t.status == mm::TicketStatus::kRequiresAcceptance) {
    return std::nullopt;
  }
  return c.service.estimated_wait_seconds(t.configuration);
}

json::object session_entry(const std::string& player_id, const std::string& player_session_id) {
  return {{"playerId", player_id},
          {"playerSessionId", player_session_id},
          {"PlayerId", player_id},
          {"PlayerSessionId", player_session_id}};
}

json::object connection_info(const mm::TicketView& t) {
  json::array sessions;
  json::object info;
  if (t.connection) {
    const mm::ConnectionInfo& c = *t.connection;
    info["gameSessionArn"] = c.game_session_arn;
    info["ipAddress"] = c.ip_address;
    if (!c.dns_name.empty()) info["dnsName"] = c.dns_name;
    info["port"] = c.port;
    for (const auto& s : c.player_sessions) {
      sessions.push_back(session_entry(s.player_id, s.player_session_id));
    }
  } else {
    // STANDALONE: there is no game session, so no ARN, address or port (docs/matchmaking.md).
    for (const auto& p : t.players) {
      sessions.push_back(session_entry(p.player_id, p.player_session_id));
    }
  }
  info["matchedPlayerSessions"] = std::move(sessions);
  return info;
}

json::object ticket_object(const mm::TicketView& t, std::optional<int> estimate) {
  json::object o;
  o["ticketId"] = t.ticket_id;
  o["status"] = mm::status_name(t.status);
  if (!t.status_reason.empty()) o["statusReason"] = t.status_reason;
  if (!t.status_message.empty()) o["statusMessage"] = t.status_message;
  o["startTime"] = format_iso8601(t.start_time);
  if (t.end_time) o["endTime"] = format_iso8601(*t.end_time);
  if (estimate) o["estimatedWaitTime"] = *estimate;
  o["configurationName"] = t.configuration;
  if (!t.match_id.empty()) o["matchId"] = t.match_id;
  json::array players;
  for (const auto& p : t.players) {
    json::object player{{"playerId", p.player_id}};
    if (!p.team.empty()) player["team"] = p.team;
    if (p.accepted) player["accepted"] = *p.accepted;
    players.push_back(std::move(player));
  }
  o["players"] = std::move(players);
  if (t.status == mm::TicketStatus::kCompleted) o["gameSessionConnectionInfo"] = connection_info(t);
  return o;
}

http::Response ok(const json::object& o) { return http::Response::json(200, json::serialize(o)); }

// The status answer for one published version of a ticket and one wait estimate never
// changes, and clients poll it, so each I/O thread keeps the bodies it built last instead of
// building the JSON again. The weak pointer tells a live version from a new one at the same
// address.
std::string status_body(const mm::TicketPtr& t, std::optional<int> estimate) {
  constexpr size_t kMaxCached = 4096;
  struct Cached {
    std::weak_ptr<const mm::TicketView> view;
    std::optional<int> estimate;
    std::string body;
  };
  thread_local std::unordered_map<const mm::TicketView*, Cached> cache;
  auto it = cache.find(t.get());
  if (it != cache.end() && it->second.estimate == estimate && it->second.view.lock() == t) {
    return it->second.body;
  }
  std::string body = json::serialize(ticket_object(*t, estimate));
  if (cache.size() >= kMaxCached) cache.clear();
  cache[t.get()] = Cached{t, estimate, body};
  return body;
}

// The start answer, written directly since it is sent once per ticket: the status is a fixed
// name and the time ISO 8601, and the service only accepts ticket ids of [a-zA-Z0-9-.] (any
// other id still goes through the JSON serialiser).
std::string start_body(const mm::TicketView& t, std::optional<int> estimate) {
  bool plain = std::all_of(t.ticket_id.begin(), t.ticket_id.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.';
  });
  if (!plain) {
    json::object o{{"ticketId", t.ticket_id}, {"status", mm::status_name(t.status)}};
    if (estimate) o["estimatedWaitTime"] = *estimate;
    o["startTime"] = format_iso8601(t.start_time);
    return json::serialize(o);
  }
  std::string body;
  body.reserve(128 + t.ticket_id.size());
  body.append(R"({"ticketId":")").append(t.ticket_id);
  body.append(R"(","status":")").append(mm::status_name(t.status)).append("\"");
  if (estimate) body.append(R"(,"estimatedWaitTime":)").append(std::to_string(*estimate));
  body.append(R"(,"startTime":")").append(format_iso8601(t.start_time)).append("\"}");
  return body;
}

http::Response not_found_response() {
  return http::json_error(404, "TICKET_NOT_FOUND", kNotFoundMessage);
}

// The caller's ticket, or the response to send instead (404 for someone else's ticket, so
// that ticket ids do not reveal whether they exist).
Result<mm::TicketPtr> own_ticket(const Context& c, const std::string& id, const Identity& who,
                                 http::Response& error, std::string_view failure_code) {
  auto t = c.service.describe(id);
  if (!t.ok()) {
    error = t.status().code() == Code::kNotFound ? not_found_response()
                                                 : error_response(t.status(), failure_code);
    return t.status();
  }
  // Backfill tickets belong to their game server, not to the players already in the game.
  bool mine = !(*t)->backfill &&
              ((*t)->has_player(who.player_id) || (*t)->owner_player_id == who.player_id);
  if (!mine) {
    error = not_found_response();
    return not_found("not the caller's ticket");
  }
  return t;
}

// Wraps a route: authentication, then the caller's rate limit.
http::Handler guarded(std::shared_ptr<Context> c, PlayerHandler handler) {
  return c->auth.require_player([c, handler = std::move(handler)](
                                    http::Request& req, http::Responder res, const Identity& who) {
    if (auto retry = c->limiter->acquire(who.player_id)) {
      auto r = http::json_error(429, "TOO_MANY_REQUESTS", "Too many requests for this player");
      r.headers.push_back({"retry-after", std::to_string(*retry)});
      res.send(std::move(r));
      return;
    }
    handler(req, std::move(res), who);
  });
}

void start(const std::shared_ptr<Context>& c, http::Request& req, http::Responder res,
           const Identity& who) {
  // The parsed body lives only in this call (the request decoded from it owns its strings):
  // its values come from this stack buffer, the heap only beyond it.
  unsigned char buffer[2048];
  json::monotonic_resource scratch(buffer, sizeof(buffer));
  auto body = parse_json_object(req.body, c->options.json, &scratch);
  if (!body.ok()) return res.send(error_response(body.status()));
  std::string named;
  if (const auto* id = body->if_contains("playerId"); id && !id->is_null()) {
    if (!id->is_string()) {
      return res.send(error_response(invalid_argument("playerId: expected a string")));
    }
    named = std::string(id->as_string());
  }
  auto caller = c->auth.acting_player(who, named);
  if (!caller.ok()) return res.send(auth_error_response(caller.status()));
  auto config_name = configuration_name(*body);
  if (!config_name.ok()) return res.send(error_response(config_name.status()));
  const mm::Configuration* config = c->service.configuration(*config_name);
  if (!config) {
    return res.send(error_response(invalid_argument("unknown configurationName " + *config_name)));
  }
  auto request = decode_start_request(*body, *caller, *config);
  if (!request.ok()) return res.send(error_response(request.status()));
  auto shared = std::make_shared<http::Responder>(std::move(res));
  c->service.start(std::move(*request), [c, shared](Result<mm::TicketPtr> t) {
    if (!t.ok()) {
      Code code = t.status().code();
      bool client = code == Code::kInvalidArgument || code == Code::kAlreadyExists;
      shared->send(client ? error_response(t.status())
                          : error_response(t.status(), "MATCHMAKING_FAILED"));
      return;
    }
    shared->send(http::Response::json(200, start_body(**t, wait_estimate(*c, **t))));
  });
}

Result<int> wait_seconds(const http::Request& req, int max) {
  auto v = req.query_param("waitSeconds");
  if (!v) return 0;
  int n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < 0) {
    return invalid_argument("waitSeconds: expected a whole number of seconds from 0 to 20");
  }
  return std::min(n, max);
}

void status(const std::shared_ptr<Context>& c, http::Request& req, http::Responder res,
            const Identity& who) {
  std::string id(req.path_param("ticketId").value_or(""));
  auto wait = wait_seconds(req, c->options.max_wait_seconds);
  if (!wait.ok()) return res.send(error_response(wait.status()));
  http::Response error;
  auto t = own_ticket(*c, id, who, error, "STATUS_FETCH_FAILED");
  if (!t.ok()) return res.send(std::move(error));
  // A client that says which status it last saw gets an answer at once when the ticket has
  // moved on since, so a change between two polls is never missed.
  auto known = req.query_param("knownStatus");
  bool moved_on = known && *known != mm::status_name((*t)->status);
  if (*wait == 0 || moved_on || mm::is_final((*t)->status)) {
    return res.send(http::Response::json(200, status_body(*t, wait_estimate(*c, **t))));
  }
  auto shared = std::make_shared<http::Responder>(std::move(res));
  mm::TicketPtr seen = *t;
  c->service.wait_for_change(id, seen->version, c->clock.now() + std::chrono::seconds(*wait),
                             [c, shared, seen](mm::TicketPtr now) {
                               // A ticket purged meanwhile answers what the caller last had.
                               const mm::TicketView& v = now ? *now : *seen;
                               shared->send(ok(ticket_object(v, wait_estimate(*c, v))));
                             });
}

void cancel(const std::shared_ptr<Context>& c, http::Request& req, http::Responder res,
            const Identity& who) {
  std::string id(req.path_param("ticketId").value_or(""));
  http::Response error;
  auto t = own_ticket(*c, id, who, error, "CANCEL_FAILED");
  if (!t.ok()) return res.send(std::move(error));
  auto shared = std::make_shared<http::Responder>(std::move(res));
  c->service.cancel(id, [shared, before = *t](Result<mm::TicketPtr> after) {
    if (!after.ok()) {
      Code code = after.status().code();
      shared->send(code == Code::kNotFound ? not_found_response()
                   : code == Code::kFailedPrecondition
                       ? error_response(after.status())
                       : error_response(after.status(), "CANCEL_FAILED"));
      return;
    }
    json::object o{{"ticketId", (*after)->ticket_id},
                   {"status", mm::status_name((*after)->status)}};
    bool cancelled_now = (*after)->status == mm::TicketStatus::kCancelled &&
                         (*after)->status_reason == mm::kReasonCancelled &&
                         !mm::is_final(before->status);
    if (!cancelled_now) o["note"] = "Ticket already ended";
    shared->send(ok(o));
  });
}

void accept(const std::shared_ptr<Context>& c, http::Request& req, http::Responder res,
            const Identity& who) {
  std::string id(req.path_param("ticketId").value_or(""));
  auto body = parse_json_object(req.body, c->options.json);
  if (!body.ok()) return res.send(error_response(body.status()));
  const json::value* type = body->if_contains("acceptanceType");
  if (!type || !type->is_string() ||
      (type->as_string() != "ACCEPT" && type->as_string() != "REJECT")) {
    return res.send(error_response(invalid_argument("acceptanceType: expected ACCEPT or REJECT")));
  }
  bool yes = type->as_string() == "ACCEPT";
  http::Response error;
  auto t = own_ticket(*c, id, who, error, "ACCEPT_FAILED");
  if (!t.ok()) return res.send(std::move(error));
  auto shared = std::make_shared<http::Responder>(std::move(res));
  c->service.accept(id, {who.player_id}, yes, [c, shared](Result<mm::TicketPtr> after) {
    if (!after.ok()) {
      shared->send(after.status().code() == Code::kNotFound ? not_found_response()
                                                            : error_response(after.status()));
      return;
    }
    shared->send(ok(ticket_object(**after, wait_estimate(*c, **after))));
  });
}

}  // namespace

std::string ticket_start_json(const mm::TicketView& ticket,
                              std::optional<int> estimated_wait_seconds) {
  return start_body(ticket, estimated_wait_seconds);
}

std::string ticket_status_json(const mm::TicketView& ticket,
                               std::optional<int> estimated_wait_seconds) {
  return json::serialize(ticket_object(ticket, estimated_wait_seconds));
}

void add_matchmaking_routes(http::Router& router, const PlayerAuth& auth,
                            mm::MatchmakingService& service, const Clock& clock,
                            const MatchmakingRouteOptions& options) {
  auto c = std::make_shared<Context>(
      Context{auth, service, clock, options,
              std::make_shared<PlayerRateLimiter>(options.rate_per_second, options.burst, clock)});
  using http::Method;
  router.add(Method::kPost, "/matchmaking/start",
             guarded(c, [c](auto& req, auto res, const auto& who) {
               start(c, req, std::move(res), who);
             }));
  router.add(Method::kGet, "/matchmaking/status/{ticketId}",
             guarded(c, [c](auto& req, auto res, const auto& who) {
               status(c, req, std::move(res), who);
             }));
  router.add(Method::kDelete, "/matchmaking/cancel/{ticketId}",
             guarded(c, [c](auto& req, auto res, const auto& who) {
               cancel(c, req, std::move(res), who);
             }));
  router.add(Method::kPost, "/matchmaking/accept/{ticketId}",
             guarded(c, [c](auto& req, auto res, const auto& who) {
               accept(c, req, std::move(res), who);
             }));
}

}  // namespace sapi::api
