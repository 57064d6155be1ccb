#include <gtest/gtest.h>

#include "flexmatch/checker.h"
#include "flexmatch/rule_eval.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/rule_set_parser.h"
#include "flexmatch/ticket.h"

namespace sapi::flexmatch {
namespace {

TEST(Expandable, StepsApplyFromTheirWaitTimeOn) {
  Expandable e{4, {{30, 3}, {40, 2}, {45, 1}}};
  EXPECT_EQ(e.at(0), 4);
  EXPECT_EQ(e.at(29.9), 4);
  EXPECT_EQ(e.at(30), 3);
  EXPECT_EQ(e.at(44.99), 2);
  EXPECT_EQ(e.at(45), 1);
  EXPECT_EQ(e.at(1000), 1);
}

TEST(RuleSetModel, ExpansionAgeIsTheNewestTicketUnlessOldestIsSelected) {
  RuleSet rs;
  EXPECT_EQ(rs.expansion_age({45, 35}), 35);
  rs.algorithm.expansion_age_selection = ExpansionAgeSelection::kOldest;
  EXPECT_EQ(rs.expansion_age({45, 35}), 45);
}

TEST(RuleSetModel, LargeMatchAbove40Players) {
  RuleSet rs;
  rs.teams.push_back({"a", "a", 0, {0, {}}, {20, {}}});
  rs.teams.push_back({"b", "b", 0, {0, {}}, {20, {}}});
  EXPECT_EQ(rs.max_match_size(), 40);
  EXPECT_FALSE(rs.is_large_match());
  rs.teams[1].max_players.base = 21;
  EXPECT_TRUE(rs.is_large_match());
}

}  // namespace
}  // namespace sapi::flexmatch
