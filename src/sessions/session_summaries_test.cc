#include "sessions/session_summaries.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::sessions {
namespace {

using namespace std::chrono_literals;

const Clock::TimePoint kNow{std::chrono::seconds(1'775'649'600)};  // 2026-04-08T12:00:00Z
constexpr int64_t kNowEpoch = 1'775'649'600;

class SessionSummariesTest : public ::testing::Test {
 protected:
  SessionSummariesTest() : store_(store::testing::open_or_die(store::testing::options_in(dir_))) {}

  SessionSummaries service(SessionsOptions options = {}) {
    return SessionSummaries(store_->sessions(), clock_, std::move(options));
  }

  SessionSummary parse(std::string_view json) {
    auto s = parse_summary(boost::json::parse(json), clock_.now());
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    return s.ok() ? *s : SessionSummary{};
  }

  store::testing::TempDir dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
};

TEST_F(SessionSummariesTest, TtlIsSeventyTwoHoursAfterTheEndTimeRoundedDown) {
  auto summaries = service();
  auto receipt = summaries.record_sync(parse(
      R"({"playerId": "p", "sessionId": "s", "rewards": ["a", "b", "a"],
          "endTime": "2026-04-08T11:00:00.999Z"})"));
  ASSERT_TRUE(receipt.ok()) << receipt.status().to_string();
  EXPECT_EQ(receipt->ttl, kNowEpoch - 3600 + 259200);
  EXPECT_EQ(receipt->rewards_stored, 2);
  EXPECT_EQ(receipt->player_id, "p");
  EXPECT_EQ(receipt->session_id, "s");
}

TEST_F(SessionSummariesTest, WithoutEndTimeTheTtlCountsFromNow) {
  clock_.advance(1500ms);
  auto receipt = service().record_sync(parse(R"({"playerId": "p", "sessionId": "s"})"));
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->ttl, kNowEpoch + 1 + 259200);
}

TEST_F(SessionSummariesTest, TtlHoursAreConfigurable) {
  auto receipt = service({.session_ttl_hours = 1})
                     .record_sync(parse(R"({"playerId": "p", "sessionId": "s"})"));
  EXPECT_EQ(receipt->ttl, kNowEpoch + 3600);
}

TEST_F(SessionSummariesTest, AReplayLaterGetsTheSameReceipt) {
  auto summaries = service();
  auto body = R"({"playerId": "p", "sessionId": "s", "rewards": ["a"]})";
  auto first = summaries.record_sync(parse(body));
  clock_.advance(7s);  // the game server retried after 1 s, 2 s and 4 s
  auto replay = summaries.record_sync(parse(body));
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->ttl, first->ttl);
  EXPECT_EQ(replay->rewards_stored, first->rewards_stored);
}

TEST_F(SessionSummariesTest, ADifferentSummaryForARecordedSessionIsAConflict) {
  auto summaries = service();
  ASSERT_TRUE(summaries.record_sync(parse(R"({"playerId": "p", "sessionId": "s"})")).ok());
  auto other =
      summaries.record_sync(parse(R"({"playerId": "p", "sessionId": "s", "rewards": ["x"]})"));
  EXPECT_EQ(other.status().code(), Code::kAlreadyExists);
}

TEST_F(SessionSummariesTest, TheCatalogueRefusesUnknownRewardsByName) {
  SessionsOptions options;
  options.catalogue = RewardsCatalogue({"session_complete", "team_victory"});
  auto summaries = service(std::move(options));
  auto summary =
      parse(R"({"playerId": "p", "sessionId": "s", "rewards": ["team_victory", "free_gold"]})");
  EXPECT_EQ(summaries.unknown_reward(summary), "free_gold");
  auto refused = summaries.record_sync(summary);
  ASSERT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("free_gold"), std::string::npos);
  EXPECT_TRUE(summaries.rewards("p")->empty());
  EXPECT_EQ(service().unknown_reward(summary), std::nullopt);  // no catalogue, no check
}

TEST_F(SessionSummariesTest, PlayersReadTheirRewardsAndUnexpiredSessions) {
  auto summaries = service({.session_ttl_hours = 1});
  ASSERT_TRUE(summaries
                  .record_sync(parse(R"({"playerId": "p", "sessionId": "old",
      "rewards": ["a"], "endTime": "2026-04-08T10:00:00Z"})"))
                  .ok());
  ASSERT_TRUE(summaries
                  .record_sync(parse(R"({"playerId": "p", "sessionId": "new",
      "rewards": ["b"], "endTime": "2026-04-08T11:30:00Z"})"))
                  .ok());
  EXPECT_EQ(summaries.rewards("p")->size(), 2u);
  auto page = summaries.sessions("p", "", 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->sessions.size(), 1u);  // "old" expired at 11:00
  EXPECT_EQ(page->sessions[0].session_id, "new");
  clock_.advance(1h);
  EXPECT_TRUE(summaries.sessions("p", "", 10)->sessions.empty());
}

}  // namespace
}  // namespace sapi::sessions
