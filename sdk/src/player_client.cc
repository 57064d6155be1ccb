#include "session_api/player_client.h"

#include <chrono>
#include <mutex>

#include "json_util.h"
#include "sse_parser.h"
#include "transport.h"

namespace session_api {

namespace json = boost::json;
using json_util::str;

AttributeValue AttributeValue::of(double n) {
  AttributeValue a;
  a.kind = Kind::kNumber;
  a.number = n;
  return a;
}
AttributeValue AttributeValue::of(std::string s) {
  AttributeValue a;
  a.kind = Kind::kString;
  a.string = std::move(s);
  return a;
}
AttributeValue AttributeValue::of(std::vector<std::string> list) {
  AttributeValue a;
  a.kind = Kind::kStringList;
  a.string_list = std::move(list);
  return a;
}
AttributeValue AttributeValue::of(std::map<std::string, double> map) {
  AttributeValue a;
  a.kind = Kind::kStringNumberMap;
  a.string_number_map = std::move(map);
  return a;
}

bool Ticket::is_final() const {
  return status == "COMPLETED" || status == "FAILED" || status == "CANCELLED" ||
         status == "TIMED_OUT";
}

std::string Ticket::player_session_id(const std::string& player_id) const {
  if (!connection) return {};
  for (const auto& s : connection->matched_player_sessions) {
    if (s.player_id == player_id) return s.player_session_id;
  }
  return {};
}

namespace {

void read_ticket(const json::object& o, Ticket& t) {
  t.ticket_id = str(o, "ticketId");
  t.status = str(o, "status");
  t.status_reason = str(o, "statusReason");
  t.status_message = str(o, "statusMessage");
  t.start_time = str(o, "startTime");
  t.end_time = str(o, "endTime");
  if (auto w = json_util::integer(o, "estimatedWaitTime")) {
    t.estimated_wait_seconds = static_cast<int>(*w);
  }
  t.configuration_name = str(o, "configurationName");
  t.match_id = str(o, "matchId");
  if (const json::array* players = json_util::array(o, "players")) {
    for (const json::value& v : *players) {
      if (!v.is_object()) continue;
      const json::object& p = v.get_object();
      TicketPlayer player{str(p, "playerId"), str(p, "team"), std::nullopt};
      if (const json::value* a = p.if_contains("accepted"); a && a->is_bool()) {
        player.accepted = a->get_bool();
      }
      t.players.push_back(std::move(player));
    }
  }
  if (const json::object* info = json_util::object(o, "gameSessionConnectionInfo")) {
    ConnectionInfo c;
    c.game_session_arn = str(*info, "gameSessionArn");
    c.ip_address = str(*info, "ipAddress");
    c.dns_name = str(*info, "dnsName");
    c.port = static_cast<int>(json_util::integer(*info, "port").value_or(0));
    if (const json::array* sessions = json_util::array(*info, "matchedPlayerSessions")) {
      for (const json::value& v : *sessions) {
        if (!v.is_object()) continue;
        const json::object& s = v.get_object();
        std::string player = str(s, "playerId");
        std::string session = str(s, "playerSessionId");
        if (player.empty()) player = str(s, "PlayerId");
        if (session.empty()) session = str(s, "PlayerSessionId");
        c.matched_player_sessions.push_back({player, session});
      }
    }
    t.connection = std::move(c);
  }
}

}  // namespace

struct PlayerClient::TokenBox {
  mutable std::mutex mu;
  std::string token;
};

PlayerClient::PlayerClient(ClientOptions options, std::string id_token)
    : transport_(std::make_unique<Transport>(std::move(options))),
      token_(std::make_unique<TokenBox>()) {
  token_->token = std::move(id_token);
}

PlayerClient::~PlayerClient() = default;

void PlayerClient::set_token(std::string id_token) {
  std::lock_guard<std::mutex> lock(token_->mu);
  token_->token = std::move(id_token);
}

std::string PlayerClient::authorization() const {
  std::lock_guard<std::mutex> lock(token_->mu);
  return "Bearer " + token_->token;
}

Result<StartResult> PlayerClient::start(const StartRequest& request) {
  json::object body;
  body["playerId"] = request.player_id;
  json::object attributes = json_util::attributes_json(request.attributes);
  body["playerAttributes"] = std::move(attributes);
  if (!request.latency_in_ms.empty()) {
    body["latencyInMs"] = json_util::latencies_json(request.latency_in_ms);
  }
  if (!request.configuration_name.empty()) body["configurationName"] = request.configuration_name;
  if (!request.ticket_id.empty()) body["ticketId"] = request.ticket_id;
  if (!request.party.empty()) {
    json::array players;
    for (const PartyMember& m : request.party) {
      json::object p{{"playerId", m.player_id},
                     {"playerAttributes", json_util::attributes_json(m.attributes)}};
      if (!m.latency_in_ms.empty()) p["latencyInMs"] = json_util::latencies_json(m.latency_in_ms);
      players.push_back(std::move(p));
    }
    body["players"] = std::move(players);
  }
  HttpRequest http;
  http.method = "POST";
  http.path = "/matchmaking/start";
  http.body = json::serialize(body);
  http.headers = {{"Authorization", authorization()}, {"Content-Type", "application/json"}};
  return json_util::convert<StartResult>(
      transport_->perform(http), [](const json::object& o, StartResult& r) {
        r.ticket_id = str(o, "ticketId");
        r.status = str(o, "status");
        r.start_time = str(o, "startTime");
        if (auto w = json_util::integer(o, "estimatedWaitTime")) {
          r.estimated_wait_seconds = static_cast<int>(*w);
        }
      });
}

Result<Ticket> PlayerClient::status(const std::string& ticket_id, int wait_seconds,
                                    const std::string& known_status) {
  HttpRequest http;
  http.path = "/matchmaking/status/" + encode_segment(ticket_id);
  if (wait_seconds > 0) {
    http.query = "waitSeconds=" + std::to_string(wait_seconds);
    http.extra_timeout_ms = wait_seconds * 1000L;
  }
  if (!known_status.empty()) {
    if (!http.query.empty()) http.query += "&";
    http.query += "knownStatus=" + encode_segment(known_status);
  }
  http.headers = {{"Authorization", authorization()}};
  return json_util::convert<Ticket>(transport_->perform(http), read_ticket);
}

Result<Ticket> PlayerClient::wait_until_final(const std::string& ticket_id, int timeout_seconds,
                                              const std::function<void(const Ticket&)>& on_change) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::string known;
  std::optional<Result<Ticket>> last;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline -
                                                                 std::chrono::steady_clock::now())
                    .count();
    int wait = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(20, left)));
    Result<Ticket> r = status(ticket_id, wait, known);
    if (!r.ok()) return r;
    if (r->status != known) {
      known = r->status;
      if (on_change) on_change(*r);
    }
    if (r->is_final() || left <= 0) return r;
  }
}

Result<CancelResult> PlayerClient::cancel(const std::string& ticket_id) {
  HttpRequest http;
  http.method = "DELETE";
  http.path = "/matchmaking/cancel/" + encode_segment(ticket_id);
  http.headers = {{"Authorization", authorization()}};
  return json_util::convert<CancelResult>(transport_->perform(http),
                                          [](const json::object& o, CancelResult& r) {
                                            r.ticket_id = str(o, "ticketId");
                                            r.status = str(o, "status");
                                            r.note = str(o, "note");
                                          });
}

Result<Ticket> PlayerClient::accept(const std::string& ticket_id, bool accept) {
  HttpRequest http;
  http.method = "POST";
  http.path = "/matchmaking/accept/" + encode_segment(ticket_id);
  http.body = json::serialize(json::object{{"acceptanceType", accept ? "ACCEPT" : "REJECT"}});
  http.headers = {{"Authorization", authorization()}, {"Content-Type", "application/json"}};
  return json_util::convert<Ticket>(transport_->perform(http), read_ticket);
}

Result<std::vector<Reward>> PlayerClient::rewards(const std::string& player_id) {
  HttpRequest http;
  http.path = "/players/" + encode_segment(player_id) + "/rewards";
  http.headers = {{"Authorization", authorization()}};
  return json_util::convert<std::vector<Reward>>(
      transport_->perform(http), [](const json::object& o, std::vector<Reward>& out) {
        const json::array* rewards = json_util::array(o, "rewards");
        if (rewards == nullptr) return;
        for (const json::value& v : *rewards) {
          if (!v.is_object()) continue;
          const json::object& r = v.get_object();
          out.push_back({str(r, "rewardId"), str(r, "grantedAt"), str(r, "sessionId"),
                         str(r, "lastGrantedAt"), str(r, "lastSessionId")});
        }
      });
}

Result<SessionPage> PlayerClient::sessions(const std::string& player_id, int limit,
                                           const std::string& cursor) {
  HttpRequest http;
  http.path = "/players/" + encode_segment(player_id) + "/sessions";
  http.query = "limit=" + std::to_string(limit);
  if (!cursor.empty()) http.query += "&cursor=" + encode_segment(cursor);
  http.headers = {{"Authorization", authorization()}};
  return json_util::convert<SessionPage>(
      transport_->perform(http), [](const json::object& o, SessionPage& page) {
        page.next_cursor = str(o, "nextCursor");
        const json::array* sessions = json_util::array(o, "sessions");
        if (sessions == nullptr) return;
        for (const json::value& v : *sessions) {
          if (!v.is_object()) continue;
          const json::object& s = v.get_object();
          SessionRecord record;
          record.session_id = str(s, "sessionId");
          record.end_time = str(s, "endTime");
          record.ttl = json_util::integer(s, "ttl").value_or(0);
          record.created_at = str(s, "createdAt");
          if (const json::array* rewards = json_util::array(s, "rewards")) {
            for (const json::value& r : *rewards) {
              if (r.is_string()) record.rewards.emplace_back(r.get_string());
            }
          }
          page.sessions.push_back(std::move(record));
        }
      });
}

Result<Done> PlayerClient::events(const std::function<bool(const Event&)>& on_event,
                                  const std::atomic<bool>* stop, int max_seconds,
                                  const std::string& last_event_id) {
  SseParser parser(on_event);
  bool caller_stopped = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(max_seconds);
  HttpRequest http;
  http.path = "/matchmaking/events";
  http.headers = {{"Authorization", authorization()}, {"Accept", "text/event-stream"}};
  http.no_timeout = true;
  if (!last_event_id.empty()) http.headers.push_back({"Last-Event-ID", last_event_id});
  http.on_data = [&](const char* data, size_t n) {
    if (!parser.feed(data, n)) {
      caller_stopped = true;
      return false;
    }
    return true;
  };
  http.should_stop = [&] {
    if ((stop != nullptr && stop->load()) ||
        (max_seconds > 0 && std::chrono::steady_clock::now() >= deadline)) {
      caller_stopped = true;
      return true;
    }
    return false;
  };
  HttpResponse response = transport_->perform(http);
  if (caller_stopped) return Result<Done>(Done{}, response.status);
  if (response.status < 200 || response.status >= 300) {
    auto parsed = json_util::parse_answer(response);
    if (!parsed.ok()) return parsed.error();
    return Error{response.status, kBadResponse, "unexpected answer to the event stream"};
  }
  return Result<Done>(Done{}, response.status);  // the service ended the stream
}

}  // namespace session_api
