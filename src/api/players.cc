#include "api/players.h"

#include <boost/json.hpp>
#include <charconv>

#include "api/error.h"

namespace sapi::api {
namespace {

constexpr size_t kDefaultPageSize = 20;
constexpr size_t kMaxPageSize = 100;

// The player named in the path, when it is the caller; otherwise the 403 to answer.
Result<std::string> own_player(const http::Request& request, const Identity& identity) {
  auto named = request.path_param("playerId");
  if (!named || *named != identity.player_id) {
    return permission_denied("players may only read their own data");
  }
  return identity.player_id;
}

Result<size_t> page_size(const http::Request& request) {
  auto text = request.query_param("limit");
  if (!text) return kDefaultPageSize;
  size_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1 ||
      value > kMaxPageSize) {
    return invalid_argument("limit must be a whole number from 1 to 100");
  }
  return value;
}

http::Response storage_failure(const Status& status) {
  return status.code() == Code::kInvalidArgument ? error_response(status)
                                                 : error_response(status, "STORAGE_FAILED");
}

boost::json::object session_json(const store::SessionSummaryRecord& s) {
  boost::json::object o;
  o["sessionId"] = s.session_id;
  if (s.end_time) o["endTime"] = format_iso8601(*s.end_time);
  boost::json::array rewards;
  for (const auto& r : s.rewards) rewards.emplace_back(r);
  o["rewards"] = std::move(rewards);
  o["ttl"] = s.ttl;
  o["createdAt"] = format_iso8601(s.created_at);
  return o;
}

}  // namespace

PlayerHandler player_rewards_handler(sessions::SessionSummaries& summaries) {
  return [&summaries](http::Request& request, http::Responder responder, const Identity& identity) {
    auto player = own_player(request, identity);
    if (!player.ok()) return responder.send(error_response(player.status()));
    auto rewards = summaries.rewards(*player);
    if (!rewards.ok()) return responder.send(storage_failure(rewards.status()));
    boost::json::array list;
    for (const auto& r : *rewards) {
      list.emplace_back(boost::json::object{{"rewardId", r.reward_id},
                                            {"granted", true},
                                            {"grantedAt", format_iso8601(r.granted_at)},
                                            {"sessionId", r.session_id},
                                            {"lastGrantedAt", format_iso8601(r.last_granted_at)},
                                            {"lastSessionId", r.last_session_id}});
    }
    boost::json::object body{{"playerId", *player}, {"rewards", std::move(list)}};
    responder.send(http::Response::json(200, boost::json::serialize(body)));
  };
}

PlayerHandler player_sessions_handler(sessions::SessionSummaries& summaries) {
  return [&summaries](http::Request& request, http::Responder responder, const Identity& identity) {
    auto player = own_player(request, identity);
    if (!player.ok()) return responder.send(error_response(player.status()));
    auto limit = page_size(request);
    if (!limit.ok()) return responder.send(error_response(limit.status()));
    auto page = summaries.sessions(*player, request.query_param("cursor").value_or(""), *limit);
    if (!page.ok()) return responder.send(storage_failure(page.status()));
    boost::json::array list;
    for (const auto& s : page->sessions) list.emplace_back(session_json(s));
    boost::json::object body{{"playerId", *player}, {"sessions", std::move(list)}};
    if (!page->next_cursor.empty()) body["nextCursor"] = page->next_cursor;
    responder.send(http::Response::json(200, boost::json::serialize(body)));
  };
}

void add_player_routes(http::Router& router, const PlayerAuth& auth,
                       sessions::SessionSummaries& summaries) {
  router.add(http::Method::kGet, "/players/{playerId}/rewards",
             auth.require_player(player_rewards_handler(summaries)));
  router.add(http::Method::kGet, "/players/{playerId}/sessions",
             auth.require_player(player_sessions_handler(summaries)));
}

}  // namespace sapi::api
