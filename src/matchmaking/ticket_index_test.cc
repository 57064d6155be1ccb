// A lifecycle's tickets by id: the first ticket with an id wins, a ticket stays at its address
// while the index grows, and erased or drained tickets are gone.

#include "matchmaking/ticket_index.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "matchmaking/ids.h"

namespace sapi::matchmaking {
namespace {

TicketView ticket(const std::string& id, std::string owner = "p") {
  TicketView t;
  t.ticket_id = id;
  t.owner_player_id = std::move(owner);
  return t;
}

TEST(TicketIndex, KeepsTheFirstTicketOfAnIdAtAnAddressThatSurvivesGrowth) {
  TicketIndex index;
  auto [first, added] = index.insert(ticket("t-1", "alice"));
  ASSERT_TRUE(added);
  auto [again, added_again] = index.insert(ticket("t-1", "bob"));
  EXPECT_FALSE(added_again);
  EXPECT_EQ(again, first);
  EXPECT_EQ(first->owner_player_id, "alice");
  std::vector<std::pair<std::string, TicketView*>> kept;
  for (int i = 0; i < 20000; ++i) {
    std::string id = i % 2 ? time_ordered_uuid() : "caller-" + std::to_string(i);
    kept.emplace_back(id, index.insert(ticket(id)).first);
  }
  EXPECT_EQ(index.size(), kept.size() + 1);
  EXPECT_EQ(index.find("t-1"), first);
  for (const auto& [id, address] : kept) {
    ASSERT_EQ(index.find(id), address) << id;
    EXPECT_EQ(&index.at(id), address);
    EXPECT_EQ(address->ticket_id, id);
  }
  EXPECT_EQ(index.find("caller-1"), nullptr);
}

TEST(TicketIndex, ErasedTicketsAreGoneAndDrainTakesEveryOneOnce) {
  TicketIndex index;
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(time_ordered_uuid());
    index.insert(ticket(ids.back()));
  }
  for (size_t i = 0; i < ids.size(); i += 2) index.erase(ids[i]);
  index.erase("unknown");
  EXPECT_EQ(index.size(), ids.size() / 2);
  EXPECT_EQ(index.find(ids[0]), nullptr);
  ASSERT_NE(index.find(ids[1]), nullptr);
  std::multiset<std::string> drained;
  index.drain([&](TicketView& t) { drained.insert(std::move(t.ticket_id)); });
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.find(ids[1]), nullptr);
  std::multiset<std::string> expected;
  for (size_t i = 1; i < ids.size(); i += 2) expected.insert(ids[i]);
  EXPECT_EQ(drained, expected);
}

}  // namespace
}  // namespace sapi::matchmaking
