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

TEST(TicketStartJson, IsTheSeedsAnswer) {
  mm::TicketView t;
  t.ticket_id = "0190b5c8-7e1f-7a2b-8c3d-4e5f60718293";
  t.start_time = Clock::TimePoint{} + std::chrono::milliseconds(1'700'000'000'123);
  json::value v = json::parse(ticket_start_json(t, 12));
  EXPECT_EQ(v, json::parse(R"({"ticketId":"0190b5c8-7e1f-7a2b-8c3d-4e5f60718293",
      "status":"QUEUED","estimatedWaitTime":12,"startTime":"2023-11-14T22:13:20.123Z"})"));
  v = json::parse(ticket_start_json(t, std::nullopt));
  EXPECT_FALSE(v.as_object().contains("estimatedWaitTime"));
}

TEST(TicketStartJson, StartTimesOfTheSameSecondKeepTheirMilliseconds) {
  mm::TicketView t;
  t.ticket_id = "t-1";
  for (int ms : {5, 123, 999, 1000, 1001}) {
    t.start_time = Clock::TimePoint{} + std::chrono::milliseconds(1'700'000'000'000 + ms);
    json::value v = json::parse(ticket_start_json(t, std::nullopt));
    EXPECT_EQ(v.at("startTime"), json::value(format_iso8601(t.start_time))) << ms;
  }
}

TEST(TicketStartJson, EscapesAnIdThatNeedsIt) {
  mm::TicketView t;
  t.ticket_id = "a\"b\\c";
  json::value v = json::parse(ticket_start_json(t, std::nullopt));
  EXPECT_EQ(v.at("ticketId"), "a\"b\\c");
  EXPECT_EQ(v.at("status"), "QUEUED");
}

}  // namespace
}  // namespace sapi::api
