#include "api/session_summary.h"

#include <boost/json.hpp>

#include "api/error.h"

namespace sapi::api {
namespace {

http::Response receipt_response(const sessions::SummaryReceipt& receipt) {
  boost::json::object body;
  body["success"] = true;
  body["playerId"] = receipt.player_id;
  body["sessionId"] = receipt.session_id;
  body["rewardsStored"] = receipt.rewards_stored;
  body["ttl"] = receipt.ttl;
  return http::Response::json(200, boost::json::serialize(body));
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
    auto body = parse_json_object(request.body, limits);
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
    // Answered from the store's writer thread once the batch holding this write committed.
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
