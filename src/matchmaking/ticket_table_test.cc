// The table readers see tickets in: each id maps to the ticket's latest published version,
// through growth of the table and removals, and long polls wake on a newer version.

#include "matchmaking/ticket_table.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "matchmaking/ids.h"

namespace sapi::matchmaking {
namespace {

TicketPtr version_of(const std::string& id, uint64_t version,
                     TicketStatus status = TicketStatus::kSearching) {
  auto t = std::make_shared<TicketView>();
  t->ticket_id = id;
  t->version = version;
  t->status = status;
  return t;
}

TEST(TicketTable, GetsTheLatestVersionOfEachOfManyTickets) {
  TicketTable table;
  std::vector<std::string> ids;
  // Enough tickets for every shard to grow several times.
  for (int i = 0; i < 20000; ++i) {
    ids.push_back(i % 2 ? time_ordered_uuid() : "caller-chosen-" + std::to_string(i));
    table.publish(version_of(ids.back(), 1, TicketStatus::kQueued));
  }
  for (size_t i = 0; i < ids.size(); i += 3) {
    table.publish(version_of(ids[i], 2, TicketStatus::kCompleted));
  }
  ASSERT_EQ(table.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    TicketPtr t = table.get(ids[i]);
    ASSERT_NE(t, nullptr) << ids[i];
    EXPECT_EQ(t->ticket_id, ids[i]);
    EXPECT_EQ(t->version, i % 3 ? 1u : 2u) << ids[i];
  }
  EXPECT_EQ(table.get("caller-chosen-20000"), nullptr);
  EXPECT_EQ(table.get(""), nullptr);
}

TEST(TicketTable, ErasedTicketsAreGoneAndOthersStay) {
  TicketTable table;
  std::vector<std::string> ids;
  for (int i = 0; i < 5000; ++i) {
    ids.push_back(time_ordered_uuid());
    table.publish(version_of(ids.back(), 1));
  }
  for (size_t i = 0; i < ids.size(); i += 2) table.erase(ids[i]);
  table.erase("never-published");
  EXPECT_EQ(table.size(), ids.size() / 2);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(table.get(ids[i]) != nullptr, i % 2 == 1) << ids[i];
  }
  // A purged id published again is a ticket again.
  table.publish(version_of(ids[0], 7));
  ASSERT_NE(table.get(ids[0]), nullptr);
  EXPECT_EQ(table.get(ids[0])->version, 7u);
}

TEST(TicketTable, AWaitEndsWithTheNewerVersionOrNullWhenErased) {
  TicketTable table;
  std::string a = time_ordered_uuid(), b = time_ordered_uuid();
  table.publish(version_of(a, 1));
  table.publish(version_of(b, 1));
  auto deadline = Clock::TimePoint::max();
  std::vector<uint64_t> seen_a;
  bool b_ended = false;
  TicketPtr b_result = version_of(b, 99);
  table.wait(a, 1, deadline, [&](TicketPtr t) { seen_a.push_back(t ? t->version : 0); });
  table.wait(b, 1, deadline, [&](TicketPtr t) {
    b_ended = true;
    b_result = t;
  });
  EXPECT_TRUE(seen_a.empty());
  table.publish(version_of(a, 2));
  EXPECT_EQ(seen_a, std::vector<uint64_t>{2});
  EXPECT_FALSE(b_ended);
  table.erase(b);
  EXPECT_TRUE(b_ended);
  EXPECT_EQ(b_result, nullptr);
}

}  // namespace
}  // namespace sapi::matchmaking
