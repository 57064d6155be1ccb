#include "matchmaking/events.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sapi::matchmaking {
namespace {

MatchmakingEvent searching(std::string ticket_id) {
  MatchmakingEvent e;
  e.type = event_type("MatchmakingSearching");
  e.source = std::make_shared<const EventSource>(
      EventSource{"duel", "arn:aws:gamelift:eu-west-1::matchmakingconfiguration/duel",
                  "000000000000", "eu-west-1", ""});
  e.time = Clock::TimePoint{} + std::chrono::seconds(1'700'000'000);
  EventTicket& t = e.tickets.emplace_back();
  t.ticket_id = std::move(ticket_id);
  t.start_time = e.time - std::chrono::seconds(3);
  t.players.push_back({"alice", "", "", std::nullopt});
  return e;
}

TEST(EventBus, EverySubscriberKeepsTheOneEventPublished) {
  EventBus bus;
  std::vector<EventPtr> first, second;
  bus.subscribe(EventBus::Subscriber([&](const EventPtr& e) { first.push_back(e); }));
  bus.subscribe(EventBus::Subscriber([&](const EventPtr& e) { second.push_back(e); }));
  bus.publish(searching("e1"));
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].get(), second[0].get());
  EXPECT_EQ(first[0]->tickets[0].ticket_id, "e1");
}

TEST(EventBus, SubscribersByReferenceSeeTheEventToo) {
  EventBus bus;
  std::vector<std::string> types;
  bus.subscribe([&](const MatchmakingEvent& e) { types.emplace_back(e.type); });
  bus.publish(searching("e1"));
  EXPECT_EQ(types, std::vector<std::string>{"MatchmakingSearching"});
}

TEST(EventBus, TellsWhetherAnybodyWantsAnEventBeforeItIsBuilt) {
  EventBus bus;
  const std::vector<std::string_view> alice{"alice"};
  EXPECT_FALSE(bus.wants("duel", alice));
  uint64_t everything = bus.subscribe([](const MatchmakingEvent&) {});
  EXPECT_TRUE(bus.wants("duel", alice));
  bus.unsubscribe(everything);
  EXPECT_FALSE(bus.wants("duel", alice));

  EventInterest interest;
  interest.player = [](std::string_view player) { return player == "bob"; };
  interest.configuration = [](std::string_view name) { return name == "ranked"; };
  bus.subscribe([](const MatchmakingEvent&) {}, interest);
  EXPECT_FALSE(bus.wants("duel", alice));
  EXPECT_TRUE(bus.wants("duel", std::vector<std::string_view>{"alice", "bob"}));
  EXPECT_TRUE(bus.wants("ranked", alice));
  EXPECT_FALSE(bus.wants("duel", {}));
}

TEST(EventBus, ASubscriberWithAnInterestGetsOnlyTheEventsItWants) {
  EventBus bus;
  std::vector<std::string> to_bob, all;
  EventInterest bob;
  bob.player = [](std::string_view player) { return player == "bob"; };
  bus.subscribe([&](const MatchmakingEvent& e) { to_bob.push_back(e.tickets[0].ticket_id); }, bob);
  bus.subscribe([&](const MatchmakingEvent& e) { all.push_back(e.tickets[0].ticket_id); });
  bus.publish(searching("e1"));  // alice's
  MatchmakingEvent pair = searching("e2");
  pair.tickets[0].players.push_back({"bob", "", "", std::nullopt});
  bus.publish(std::move(pair));
  EXPECT_EQ(to_bob, std::vector<std::string>{"e2"});
  EXPECT_EQ(all, (std::vector<std::string>{"e1", "e2"}));

  EventInterest duel;
  duel.configuration = [](std::string_view name) { return name == "duel"; };
  std::vector<std::string> to_duel;
  bus.subscribe([&](const MatchmakingEvent& e) { to_duel.push_back(e.tickets[0].ticket_id); },
                duel);
  bus.publish(searching("e3"));
  EXPECT_EQ(to_duel, std::vector<std::string>{"e3"});
}

TEST(EventBus, AnEventPublishedWhileUnsubscribingStillReachesTheOthers) {
  EventBus bus;
  int seen = 0;
  uint64_t first = 0;
  first = bus.subscribe([&](const MatchmakingEvent&) { bus.unsubscribe(first); });
  bus.subscribe([&](const MatchmakingEvent&) { ++seen; });
  bus.publish(searching("e1"));
  bus.publish(searching("e2"));
  EXPECT_EQ(seen, 2);
}

TEST(MatchmakingEvent, RendersFlexMatchsEnvelope) {
  MatchmakingEvent e = searching("t1");
  e.detail.estimated_wait_millis = 3000;
  boost::json::value v = boost::json::parse(e.json());
  EXPECT_EQ(v.at("version"), "0");
  EXPECT_EQ(v.at("id"), boost::json::value(e.id()));
  EXPECT_EQ(v.at("detail-type"), "GameLift Matchmaking Event");
  EXPECT_EQ(v.at("source"), "aws.gamelift");
  EXPECT_EQ(v.at("account"), "000000000000");
  EXPECT_EQ(v.at("region"), "eu-west-1");
  EXPECT_EQ(v.at("time"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(v.at("resources"),
            boost::json::parse(R"(["arn:aws:gamelift:eu-west-1::matchmakingconfiguration/duel"])"));
  EXPECT_EQ(v.at("detail"), boost::json::parse(R"({"type":"MatchmakingSearching",
      "tickets":[{"ticketId":"t1","startTime":"2023-11-14T22:13:17.000Z",
                  "players":[{"playerId":"alice"}]}],
      "estimatedWaitMillis":3000})"));
}

TEST(MatchmakingEvent, RendersEachTypesDetailFields) {
  MatchmakingEvent e = searching("t1");
  e.type = event_type("MatchmakingSucceeded");
  e.tickets[0].players[0] = {"alice", "red", "psess-1", true};
  e.detail.match_id = "m1";
  e.detail.game_session_info = true;
  e.detail.game_session = EventGameSession{"arn:gs", "10.0.0.1", "", 7777};
  e.detail.reason = "R";
  e.detail.message = "M";
  e.detail.potential_match = true;
  e.detail.rule_metrics = {{"fair", 2, 1}};
  boost::json::value d = e.envelope().at("detail");
  EXPECT_EQ(
      d.at("tickets").at(0).at("players").at(0),
      boost::json::parse(
          R"({"playerId":"alice","team":"red","playerSessionId":"psess-1","accepted":true})"));
  EXPECT_EQ(d.at("matchId"), "m1");
  EXPECT_EQ(d.at("gameSessionInfo"), boost::json::parse(R"({"gameSessionArn":"arn:gs",
      "ipAddress":"10.0.0.1","port":7777,
      "players":[{"playerId":"alice","playerSessionId":"psess-1","team":"red"}]})"));
  EXPECT_EQ(d.at("reason"), "R");
  EXPECT_EQ(d.at("message"), "M");
  EXPECT_EQ(d.at("acceptanceRequired"), false);
  EXPECT_FALSE(d.as_object().contains("acceptanceTimeout"));
  EXPECT_EQ(d.at("ruleEvaluationMetrics"),
            boost::json::parse(R"([{"ruleName":"fair","passedCount":2,"failedCount":1}])"));
}

TEST(MatchmakingEvent, JsonIsRenderedOnceAndShared) {
  MatchmakingEvent e = searching("t1");
  const std::string& json = e.json();
  EXPECT_EQ(&e.json(), &json);
  EXPECT_EQ(e.envelope().at("id"), boost::json::value(e.id()));
}

TEST(MatchmakingEvent, ACopyDoesNotKeepTheOriginalsRendering) {
  MatchmakingEvent e = searching("t1");
  EXPECT_NE(e.json().find("t1"), std::string::npos);
  MatchmakingEvent copy = e;
  copy.tickets[0].ticket_id = "t2";
  EXPECT_NE(copy.json().find("t2"), std::string::npos);
  EXPECT_EQ(copy.json().find("t1"), std::string::npos);
  EXPECT_NE(copy.id(), e.id()) << "a copy is another event";
}

TEST(MatchmakingEvent, ConcernsThePlayersOfItsTickets) {
  MatchmakingEvent e = searching("t1");
  e.tickets.push_back({"t2", {}, {{"bob", "", "", std::nullopt}}});
  EXPECT_TRUE(e.concerns("alice"));
  EXPECT_TRUE(e.concerns("bob"));
  EXPECT_FALSE(e.concerns("carol"));
  EXPECT_EQ(e.configuration(), "duel");
}

TEST(MatchmakingEvent, TypeNamesAreStatic) {
  std::string name = "MatchmakingFailed";
  std::string_view t = event_type(name);
  EXPECT_EQ(t, "MatchmakingFailed");
  EXPECT_NE(t.data(), name.data());
  EXPECT_TRUE(event_type("Other").empty());
}

}  // namespace
}  // namespace sapi::matchmaking
