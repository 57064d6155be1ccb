#include "matchmaking/events.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sapi::matchmaking {
namespace {

MatchmakingEvent searching(std::string id) {
  MatchmakingEvent e;
  e.type = "MatchmakingSearching";
  e.player_ids = {"alice"};
  e.envelope = {{"id", std::move(id)}, {"detail", {{"type", "MatchmakingSearching"}}}};
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
  EXPECT_EQ(first[0]->envelope.at("id"), "e1");
}

TEST(EventBus, SubscribersByReferenceSeeTheEventToo) {
  EventBus bus;
  std::vector<std::string> types;
  bus.subscribe([&](const MatchmakingEvent& e) { types.push_back(e.type); });
  bus.publish(searching("e1"));
  EXPECT_EQ(types, std::vector<std::string>{"MatchmakingSearching"});
}

TEST(EventBus, TellsWhetherAnybodyListens) {
  EventBus bus;
  EXPECT_FALSE(bus.has_subscribers());
  uint64_t id = bus.subscribe([](const MatchmakingEvent&) {});
  EXPECT_TRUE(bus.has_subscribers());
  bus.unsubscribe(id);
  EXPECT_FALSE(bus.has_subscribers());
}

TEST(MatchmakingEvent, JsonIsTheEnvelopeSerialisedOnceAndShared) {
  MatchmakingEvent e = searching("e1");
  const std::string& json = e.json();
  EXPECT_EQ(boost::json::parse(json), boost::json::value(e.envelope));
  EXPECT_EQ(&e.json(), &json);
}

TEST(MatchmakingEvent, ACopyDoesNotKeepTheOriginalsSerialisation) {
  MatchmakingEvent e = searching("e1");
  EXPECT_NE(e.json().find("e1"), std::string::npos);
  MatchmakingEvent copy = e;
  copy.envelope["id"] = "e2";
  EXPECT_NE(copy.json().find("e2"), std::string::npos);
  EXPECT_EQ(copy.json().find("e1"), std::string::npos);
}

}  // namespace
}  // namespace sapi::matchmaking
