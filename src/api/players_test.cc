#include "api/players.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::api {
namespace {

const Clock::TimePoint kNow{std::chrono::seconds(1'775'649'600)};  // 2026-04-08T12:00:00Z

class PlayerRoutesTest : public ::testing::Test {
 protected:
  PlayerRoutesTest()
      : store_(store::testing::open_or_die(store::testing::options_in(dir_))),
        summaries_(store_->sessions(), clock_, {}) {}

  void record(std::string player, std::string session, std::vector<std::string> rewards,
              int minutes_ago) {
    sessions::SessionSummary s{std::move(player), std::move(session), std::move(rewards),
                               kNow - std::chrono::minutes(minutes_ago)};
    ASSERT_TRUE(summaries_.record_sync(std::move(s)).ok());
  }

  http::Response get(const PlayerHandler& handler, std::string path_player, std::string query,
                     std::string caller = "alice") {
    http::Request request;
    request.method = http::Method::kGet;
    request.path_params = {{"playerId", std::move(path_player)}};
    request.query = std::move(query);
    http::Response out;
    handler(request, http::Responder::from_function([&](http::Response r) { out = r; }),
            Identity{std::move(caller), "id", 0, {}});
    return out;
  }

  store::testing::TempDir dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
  sessions::SessionSummaries summaries_;
};

TEST_F(PlayerRoutesTest, APlayerReadsTheirRewardsWithTheFirstGrant) {
  record("alice", "s1", {"team_victory"}, 30);
  clock_.advance(std::chrono::minutes(10));
  record("alice", "s2", {"team_victory", "zone_explorer"}, 0);
  auto r = get(player_rewards_handler(summaries_), "alice", "");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("playerId"), "alice");
  const auto& rewards = body.at("rewards").as_array();
  ASSERT_EQ(rewards.size(), 2u);
  EXPECT_EQ(rewards[0].at("rewardId"), "team_victory");
  EXPECT_EQ(rewards[0].at("granted"), true);
  EXPECT_EQ(rewards[0].at("grantedAt"), "2026-04-08T12:00:00.000Z");
  EXPECT_EQ(rewards[0].at("sessionId"), "s1");
  EXPECT_EQ(rewards[0].at("lastSessionId"), "s2");
  EXPECT_EQ(rewards[1].at("rewardId"), "zone_explorer");
}

TEST_F(PlayerRoutesTest, SomeoneElsesDataIs403) {
  record("bob", "s1", {"team_victory"}, 0);
  for (const auto& handler :
       {player_rewards_handler(summaries_), player_sessions_handler(summaries_)}) {
    auto r = get(handler, "bob", "", "alice");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(boost::json::parse(r.body).at("error"), "FORBIDDEN");
  }
}

TEST_F(PlayerRoutesTest, SessionsComeNewestFirstInPagesWithACursor) {
  for (int i = 0; i < 5; ++i) record("alice", "s" + std::to_string(i), {"team_victory"}, 50 - i);
  auto handler = player_sessions_handler(summaries_);
  auto first = boost::json::parse(get(handler, "alice", "limit=3").body);
  const auto& sessions = first.at("sessions").as_array();
  ASSERT_EQ(sessions.size(), 3u);
  EXPECT_EQ(sessions[0].at("sessionId"), "s4");
  EXPECT_EQ(sessions[0].at("endTime"), "2026-04-08T11:14:00.000Z");
  EXPECT_EQ(sessions[0].at("rewards"), boost::json::parse(R"(["team_victory"])"));
  std::string cursor(first.at("nextCursor").as_string());
  auto second = boost::json::parse(get(handler, "alice", "limit=3&cursor=" + cursor).body);
  ASSERT_EQ(second.at("sessions").as_array().size(), 2u);
  EXPECT_EQ(second.at("sessions").as_array()[1].at("sessionId"), "s0");
  EXPECT_FALSE(second.as_object().contains("nextCursor"));
}

TEST_F(PlayerRoutesTest, ExpiredSessionsAreNotListed) {
  record("alice", "s1", {}, 0);
  clock_.advance(std::chrono::hours(72));
  auto body = boost::json::parse(get(player_sessions_handler(summaries_), "alice", "").body);
  EXPECT_TRUE(body.at("sessions").as_array().empty());
}

TEST_F(PlayerRoutesTest, BadLimitsAndCursorsAre400) {
  auto handler = player_sessions_handler(summaries_);
  for (const char* query : {"limit=0", "limit=101", "limit=x", "limit=5x", "cursor=zz"}) {
    auto r = get(handler, "alice", query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(boost::json::parse(r.body).at("error"), "INVALID_REQUEST") << query;
  }
}

}  // namespace
}  // namespace sapi::api
