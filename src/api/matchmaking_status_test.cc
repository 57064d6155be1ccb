// The status route's JSON: gameSessionConnectionInfo from a placement, or the STANDALONE form.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/matchmaking.h"

namespace sapi::api {
namespace {

namespace json = boost::json;
namespace mm = sapi::matchmaking;

mm::TicketView completed_ticket() {
  mm::TicketView t;
  t.ticket_id = "t-1";
  t.configuration = "duel";
  t.status = mm::TicketStatus::kCompleted;
  t.match_id = "m-1";
  mm::PlayerView p;
  p.player_id = "alice";
  p.team = "red";
  p.player_session_id = "psess-1";
  t.players.push_back(p);
  return t;
}

TEST(TicketStatusJson, APlacedTicketCarriesTheGameSessionItJoins) {
  mm::TicketView t = completed_ticket();
  t.connection = mm::ConnectionInfo{"arn:aws:gamelift:eu-west-1::gamesession/f/gs-1",
                                    "10.0.0.7",
                                    "gs.example.org",
                                    7777,
                                    {{"alice", "psess-1"}}};
  json::value v = json::parse(ticket_status_json(t, std::nullopt));
  const auto& info = v.at("gameSessionConnectionInfo");
  EXPECT_EQ(info.at("gameSessionArn"), "arn:aws:gamelift:eu-west-1::gamesession/f/gs-1");
  EXPECT_EQ(info.at("ipAddress"), "10.0.0.7");
  EXPECT_EQ(info.at("dnsName"), "gs.example.org");
  EXPECT_EQ(info.at("port"), 7777);
  EXPECT_EQ(info.at("matchedPlayerSessions"), (json::array{{{"playerId", "alice"},
                                                            {"playerSessionId", "psess-1"},
                                                            {"PlayerId", "alice"},
                                                            {"PlayerSessionId", "psess-1"}}}));
}

TEST(TicketStatusJson, AStandaloneTicketHasOnlyItsPlayerSessions) {
  mm::TicketView t = completed_ticket();
  json::value v = json::parse(ticket_status_json(t, std::nullopt));
  const auto& info = v.at("gameSessionConnectionInfo").as_object();
  EXPECT_FALSE(info.contains("gameSessionArn"));
  EXPECT_FALSE(info.contains("ipAddress"));
  EXPECT_FALSE(info.contains("port"));
  EXPECT_EQ(info.at("matchedPlayerSessions").at(0).at("PlayerSessionId"), "psess-1");
}

TEST(TicketStatusJson, OnlyCompletedTicketsHaveConnectionInfo) {
  mm::TicketView t = completed_ticket();
  t.status = mm::TicketStatus::kPlacing;
  json::value v = json::parse(ticket_status_json(t, std::nullopt));
  EXPECT_FALSE(v.as_object().contains("gameSessionConnectionInfo"));
}

}  // namespace
}  // namespace sapi::api
