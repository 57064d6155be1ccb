// Generated ids: UUID-shaped, distinct, and for time-ordered ones sorted by creation time.

#include "matchmaking/ids.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

namespace sapi::matchmaking {
namespace {

TEST(Ids, RandomUuidsAreVersion4) {
  std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::regex_match(random_uuid(), v4));
}

TEST(Ids, TimeOrderedUuidsAreVersion7WithTheCurrentTimeFirst) {
  std::regex v7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string id = time_ordered_uuid();
  auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  ASSERT_TRUE(std::regex_match(id, v7)) << id;
  int64_t ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
}

TEST(Ids, TimeOrderedUuidsMadeInALaterMillisecondSortAfterAndAllDiffer) {
  std::set<std::string> seen;
  std::string last;
  for (int round = 0; round < 5; ++round) {
    std::string first_of_round;
    for (int i = 0; i < 1000; ++i) {
      std::string id = time_ordered_uuid();
      EXPECT_TRUE(seen.insert(id).second) << id;
      if (i == 0) first_of_round = id;
    }
    EXPECT_LT(last, first_of_round);
    last = *seen.rbegin();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace
}  // namespace sapi::matchmaking
