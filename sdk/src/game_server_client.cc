#include "session_api/game_server_client.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "json_util.h"
#include "transport.h"

namespace session_api {

namespace json = boost::json;
using json_util::str;

namespace {

void read_player_session(const json::object& o, PlayerSession& p) {
  p.player_session_id = str(o, "playerSessionId");
  p.player_id = str(o, "playerId");
  p.game_session_id = str(o, "gameSessionId");
  p.status = str(o, "status");
}

void read_game_session(const json::object& o, GameSession& g) {
  g.game_session_id = str(o, "gameSessionId");
  g.game_session_arn = str(o, "gameSessionArn");
  g.game_server_id = str(o, "gameServerId");
  g.location = str(o, "location");
  g.ip_address = str(o, "ipAddress");
  g.dns_name = str(o, "dnsName");
  g.port = static_cast<int>(json_util::integer(o, "port").value_or(0));
  g.maximum_player_session_count =
      static_cast<int>(json_util::integer(o, "maximumPlayerSessionCount").value_or(0));
  g.status = str(o, "status");
  g.version = json_util::integer(o, "version").value_or(0);
  if (const json::array* props = json_util::array(o, "gameProperties")) {
    for (const json::value& v : *props) {
      if (v.is_object())
        g.game_properties.push_back({str(v.get_object(), "key"), str(v.get_object(), "value")});
    }
  }
  g.game_session_data = str(o, "gameSessionData");
  g.matchmaker_data = str(o, "matchmakerData");
  if (const json::array* sessions = json_util::array(o, "playerSessions")) {
    for (const json::value& v : *sessions) {
      if (!v.is_object()) continue;
      PlayerSession p;
      read_player_session(v.get_object(), p);
      if (p.game_session_id.empty()) p.game_session_id = g.game_session_id;
      g.player_sessions.push_back(std::move(p));
    }
  }
}

// {"gameSession": {...}} -> GameSession; a missing object is a bad answer.
Result<GameSession> game_session_answer(const HttpResponse& response) {
  auto parsed = json_util::parse_answer(response);
  if (!parsed.ok()) return parsed.error();
  const json::object* o = json_util::object(*parsed, "gameSession");
  if (o == nullptr) return Error{response.status, kBadResponse, "no gameSession in the answer"};
  GameSession g;
  read_game_session(*o, g);
  return Result<GameSession>(std::move(g), response.status);
}

Result<PlayerSession> player_session_answer(const HttpResponse& response) {
  auto parsed = json_util::parse_answer(response);
  if (!parsed.ok()) return parsed.error();
  const json::object* o = json_util::object(*parsed, "playerSession");
  if (o == nullptr) return Error{response.status, kBadResponse, "no playerSession in the answer"};
  PlayerSession p;
  read_player_session(*o, p);
  return Result<PlayerSession>(std::move(p), response.status);
}

void read_server_status(const json::object& o, GameServerStatus& s) {
  s.game_server_id = str(o, "gameServerId");
  s.status = str(o, "status");
}

void read_backfill(const json::object& o, BackfillTicket& t) {
  t.ticket_id = str(o, "ticketId");
  t.status = str(o, "status");
}

}  // namespace

struct GameServerClient::Impl {
  explicit Impl(GameServerClientOptions o) : options(std::move(o)), transport(options.client) {}

  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& query = "", const std::string& body = "",
                    long extra_timeout_ms = 0) {
    HttpRequest http;
    http.method = method;
    http.path = path;
    http.query = query;
    http.body = body;
    http.extra_timeout_ms = extra_timeout_ms;
    http.headers.push_back({"host", transport.host()});
    if (!body.empty()) http.headers.push_back({"content-type", "application/json"});
    sigv4::Request request{method, transport.base_path() + path, query, http.headers, body};
    sigv4::Params params;
    {
      std::lock_guard<std::mutex> lock(mu);
      params.credentials = options.credentials;
    }
    params.region = options.region;
    params.service = options.service;
    params.epoch_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    sigv4::Signature signature = sigv4::sign(request, params);
    for (auto& h : signature.headers) http.headers.push_back(std::move(h));
    return transport.perform(http);
  }

  GameServerClientOptions options;
  Transport transport;
  std::mutex mu;  // guards options.credentials
};

GameServerClient::GameServerClient(GameServerClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

GameServerClient::~GameServerClient() = default;

void GameServerClient::set_credentials(Credentials credentials) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->options.credentials = std::move(credentials);
}

Result<GameServerIdentity> GameServerClient::identity() {
  return json_util::convert<GameServerIdentity>(impl_->call("GET", "/identity/game-server"),
                                                [](const json::object& o, GameServerIdentity& id) {
                                                  id.access_key_id = str(o, "accessKeyId");
                                                  id.name = str(o, "name");
                                                });
}

Result<Registration> GameServerClient::register_server(const RegisterRequest& request) {
  json::object body{{"ipAddress", request.ip_address},
                    {"port", request.port},
                    {"location", request.location},
                    {"maxPlayers", request.max_players}};
  if (!request.game_server_id.empty()) body["gameServerId"] = request.game_server_id;
  if (!request.dns_name.empty()) body["dnsName"] = request.dns_name;
  if (!request.labels.empty()) {
    json::object labels;
    for (const auto& [k, v] : request.labels) labels[k] = v;
    body["labels"] = std::move(labels);
  }
  return json_util::convert<Registration>(
      impl_->call("POST", "/game-servers", "", json::serialize(body)),
      [](const json::object& o, Registration& r) {
        r.game_server_id = str(o, "gameServerId");
        r.location = str(o, "location");
        r.status = str(o, "status");
        r.heartbeat_interval_seconds =
            static_cast<int>(json_util::integer(o, "heartbeatIntervalSeconds").value_or(0));
        r.heartbeat_timeout_seconds =
            static_cast<int>(json_util::integer(o, "heartbeatTimeoutSeconds").value_or(0));
      });
}

Result<GameServerStatus> GameServerClient::deregister(const std::string& game_server_id) {
  return json_util::convert<GameServerStatus>(
      impl_->call("DELETE", "/game-servers/" + encode_segment(game_server_id)), read_server_status);
}

Result<GameServerStatus> GameServerClient::heartbeat(const std::string& game_server_id,
                                                     int player_count, const std::string& health) {
  json::object body;
  if (player_count >= 0) body["playerCount"] = player_count;
  if (!health.empty()) body["health"] = health;
  return json_util::convert<GameServerStatus>(
      impl_->call("POST", "/game-servers/" + encode_segment(game_server_id) + "/heartbeat", "",
                  json::serialize(body)),
      read_server_status);
}

Result<std::optional<GameSession>> GameServerClient::wait_for_game_session(
    const std::string& game_server_id, int wait_seconds) {
  std::string query = wait_seconds > 0 ? "waitSeconds=" + std::to_string(wait_seconds) : "";
  HttpResponse response =
      impl_->call("GET", "/game-servers/" + encode_segment(game_server_id) + "/game-session", query,
                  "", wait_seconds * 1000L);
  auto parsed = json_util::parse_answer(response);
  if (!parsed.ok()) return parsed.error();
  const json::value* v = parsed->if_contains("gameSession");
  if (v == nullptr) return Error{response.status, kBadResponse, "no gameSession in the answer"};
  if (v->is_null()) return Result<std::optional<GameSession>>(std::nullopt, response.status);
  if (!v->is_object()) return Error{response.status, kBadResponse, "gameSession is no object"};
  GameSession g;
  read_game_session(v->get_object(), g);
  return Result<std::optional<GameSession>>(std::move(g), response.status);
}

Result<GameSession> GameServerClient::game_session(const std::string& game_session_id,
                                                   int wait_seconds,
                                                   std::optional<int64_t> known_version) {
  std::string query;
  long extra = 0;
  if (known_version) {
    query = "knownVersion=" + std::to_string(*known_version);
    if (wait_seconds > 0) {
      query += "&waitSeconds=" + std::to_string(wait_seconds);
      extra = wait_seconds * 1000L;
    }
  }
  return game_session_answer(
      impl_->call("GET", "/game-sessions/" + encode_segment(game_session_id), query, "", extra));
}

Result<GameSession> GameServerClient::activate(const std::string& game_session_id) {
  return game_session_answer(
      impl_->call("POST", "/game-sessions/" + encode_segment(game_session_id) + "/activate"));
}

Result<PlayerSession> GameServerClient::accept_player_session(
    const std::string& game_session_id, const std::string& player_session_id) {
  return player_session_answer(
      impl_->call("POST", "/game-sessions/" + encode_segment(game_session_id) +
                              "/player-sessions/" + encode_segment(player_session_id) + "/accept"));
}

Result<PlayerSession> GameServerClient::remove_player_session(
    const std::string& game_session_id, const std::string& player_session_id) {
  return player_session_answer(
      impl_->call("DELETE", "/game-sessions/" + encode_segment(game_session_id) +
                                "/player-sessions/" + encode_segment(player_session_id)));
}

Result<GameSession> GameServerClient::end(const std::string& game_session_id) {
  return game_session_answer(
      impl_->call("POST", "/game-sessions/" + encode_segment(game_session_id) + "/end"));
}

Result<BackfillTicket> GameServerClient::start_backfill(const std::string& game_session_id,
                                                        const BackfillRequest& request) {
  json::object body;
  if (!request.ticket_id.empty()) body["ticketId"] = request.ticket_id;
  if (!request.players.empty()) {
    json::array players;
    for (const BackfillPlayer& p : request.players) {
      json::object o{{"playerId", p.player_id}, {"team", p.team}};
      if (!p.attributes.empty()) o["playerAttributes"] = json_util::attributes_json(p.attributes);
      if (!p.latency_in_ms.empty()) o["latencyInMs"] = json_util::latencies_json(p.latency_in_ms);
      players.push_back(std::move(o));
    }
    body["players"] = std::move(players);
  }
  return json_util::convert<BackfillTicket>(
      impl_->call("POST", "/game-sessions/" + encode_segment(game_session_id) + "/backfill", "",
                  json::serialize(body)),
      read_backfill);
}

Result<BackfillTicket> GameServerClient::stop_backfill(const std::string& game_session_id,
                                                       const std::string& ticket_id) {
  return json_util::convert<BackfillTicket>(
      impl_->call("DELETE", "/game-sessions/" + encode_segment(game_session_id) + "/backfill/" +
                                encode_segment(ticket_id)),
      read_backfill);
}

Result<SessionSummaryResult> GameServerClient::post_session_summary(const SessionSummary& summary) {
  json::array rewards;
  for (const auto& r : summary.rewards) rewards.emplace_back(r);
  json::object body{{"playerId", summary.player_id},
                    {"sessionId", summary.session_id},
                    {"rewards", std::move(rewards)}};
  if (!summary.end_time.empty()) body["endTime"] = summary.end_time;
  std::string text = json::serialize(body);
  auto read = [](const json::object& o, SessionSummaryResult& r) {
    r.player_id = str(o, "playerId");
    r.session_id = str(o, "sessionId");
    r.rewards_stored = static_cast<int>(json_util::integer(o, "rewardsStored").value_or(0));
    r.ttl = json_util::integer(o, "ttl").value_or(0);
  };
  long delay_ms = impl_->options.summary_retry_base_ms;
  for (int attempt = 0;; ++attempt) {
    HttpResponse response = impl_->call("POST", "/session-summary", "", text);
    bool retry = response.status == 0 || response.status >= 500;
    if (!retry || attempt >= impl_->options.summary_retries) {
      return json_util::convert<SessionSummaryResult>(response, read);
    }
    // A busy service may say how long to wait; its word wins over the back-off, up to a
    // minute, so that a summary is not held back for long by one answer.
    long wait_ms = delay_ms;
    if (response.retry_after_seconds) {
      wait_ms = std::max(wait_ms, std::min(60000L, *response.retry_after_seconds * 1000L));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    delay_ms *= 2;
  }
}

}  // namespace session_api
