#include "sessions/rewards_catalogue.h"

#include <gtest/gtest.h>

namespace sapi::sessions {
namespace {

TEST(RewardsCatalogue, ReadsOneIdPerLineWithComments) {
  auto c = RewardsCatalogue::parse(
      "# the game's rewards\nfirst_objective_complete\n\n  session_complete  \n", "rewards.txt");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->size(), 2u);
  EXPECT_TRUE(c->contains("session_complete"));
  EXPECT_FALSE(c->contains("# the game's rewards"));
}

TEST(RewardsCatalogue, ReadsAJsonArray) {
  auto c = RewardsCatalogue::parse(R"(["team_victory", "zone_explorer"])", "rewards.json");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->contains("zone_explorer"));
  EXPECT_EQ(c->first_unknown({"team_victory", "perfect_run", "nope"}), "perfect_run");
  EXPECT_EQ(c->first_unknown({"team_victory"}), std::nullopt);
}

TEST(RewardsCatalogue, BadEntriesNameTheirPlace) {
  auto lines = RewardsCatalogue::parse("ok\nnot ok\n", "rewards.txt");
  ASSERT_FALSE(lines.ok());
  EXPECT_NE(lines.status().message().find("rewards.txt:2"), std::string::npos);
  auto json = RewardsCatalogue::parse(R"(["ok", 3])", "rewards.json");
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.status().message().find("entry 1"), std::string::npos);
  EXPECT_FALSE(RewardsCatalogue::parse("[", "broken.json").ok());
  EXPECT_FALSE(RewardsCatalogue::load("/nonexistent/rewards.txt").ok());
}

}  // namespace
}  // namespace sapi::sessions
