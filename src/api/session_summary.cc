#include "api/session_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <iterator>

#include "api/error.h"

namespace sapi::api {
namespace {

// Appends `s` as a JSON string. Ids are mostly plain ASCII and go in as they are; anything
// else is escaped by Boost.JSON.
void append_json_string(std::string_view s, std::string& out) {
  bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  });
  if (!plain) {
    out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
    return;
  }
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

// {"success":true,"playerId":...,"sessionId":...,"rewardsStored":N,"ttl":N}, written
// directly: this runs once per summary on the store's thread that acknowledges writes.
http::Response receipt_response(const sessions::SummaryReceipt& receipt) {
  std::string body;
  body.reserve(80 + receipt.player_id.size() + receipt.session_id.size());
  body.append(R"({"success":true,"playerId":)");
  append_json_string(receipt.player_id, body);
  body.append(R"(,"sessionId":)");
  append_json_string(receipt.session_id, body);
  fmt::format_to(std::back_inserter(body), R"(,"rewardsStored":{},"ttl":{}}})",
                 receipt.rewards_stored, receipt.ttl);
  return http::Response::json(200, std::move(body));
}

http::Response failure_response(const Status& status) {
  switch (status.code()) {
    case Code::kInvalidArgument:
    case Code::kAlreadyExists:
      return error_response(status);
    default:
      return error_response(status, "STORAGE_FAILED");
  }
}

}  // namespace

GameServerHandler session_summary_handler(sessions::SessionSummaries& summaries, const Clock& clock,
                                          JsonLimits limits, PlacedPlayerCheck placed) {
  return [&summaries, &clock, limits, placed](http::Request& request, http::Responder responder,
                                              const GameServer& caller) {
    // The parsed body lives only in this call: its values come from this stack buffer
    // (the heap only beyond it).
    unsigned char buffer[2048];
    boost::json::monotonic_resource scratch(buffer, sizeof(buffer));
    auto body = parse_json_object(request.body, limits, &scratch);
    if (!body.ok()) {
      responder.send(error_response(body.status()));
      return;
    }
    auto summary = sessions::parse_summary(boost::json::value(std::move(*body)), clock.now());
    if (!summary.ok()) {
      responder.send(error_response(summary.status()));
      return;
    }
    if (placed && !placed(caller.access_key_id, summary->player_id)) {
      responder.send(error_response(
          permission_denied("player " + summary->player_id +
                            " has no player session in a game session placed on this game "
                            "server's key"),
          "PLAYER_NOT_PLACED"));
      return;
    }
    if (auto unknown = summaries.unknown_reward(*summary)) {
      responder.send(
          error_response(invalid_argument("unknown reward id: " + *unknown), "INVALID_REWARD_ID"));
      return;
    }
    // Answered from the store (its sync stage) once the batch holding this write is durable.
    auto shared = std::make_shared<http::Responder>(std::move(responder));
    summaries.record(std::move(*summary), [shared](Result<sessions::SummaryReceipt> receipt) {
      shared->send(receipt.ok() ? receipt_response(*receipt) : failure_response(receipt.status()));
    });
  };
}

void add_session_summary_routes(http::Router& router, const GameServerAuth& auth,
                                sessions::SessionSummaries& summaries, const Clock& clock,
                                JsonLimits limits, PlacedPlayerCheck placed) {
  router.add(http::Method::kPost, "/session-summary",
             auth.require_game_server(
                 session_summary_handler(summaries, clock, limits, std::move(placed))));
}

}  // namespace sapi::api
