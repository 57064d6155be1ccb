#include "api/session_summary.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::api {
namespace {

const Clock::TimePoint kNow{std::chrono::seconds(1'775'649'600)};  // 2026-04-08T12:00:00Z

class SessionSummaryRouteTest : public ::testing::Test {
 protected:
  SessionSummaryRouteTest()
      : store_(store::testing::open_or_die(store::testing::options_in(dir_))),
        summaries_(store_->sessions(), clock_, options()) {}

  static sessions::SessionsOptions options() {
    sessions::SessionsOptions o;
    o.catalogue = sessions::RewardsCatalogue(
        {"first_objective_complete", "session_complete", "team_victory"});
    return o;
  }

  // Posts `body` and waits for the answer, which may come from one of the store's threads.
  http::Response post(std::string body) {
    http::Request request;
    request.method = http::Method::kPost;
    request.body = std::move(body);
    std::promise<http::Response> answer;
    auto handler = session_summary_handler(summaries_, clock_, JsonLimits{});
    handler(request, http::Responder::from_function([&](http::Response r) { answer.set_value(r); }),
            GameServer{"fleet-1", "AKIDEXAMPLE", std::nullopt});
    return answer.get_future().get();
  }

  store::testing::TempDir dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
  sessions::SessionSummaries summaries_;
};

TEST_F(SessionSummaryRouteTest, StoresTheSummaryAndAnswersTheOriginalBody) {
  auto r = post(R"({"playerId": "player-123", "sessionId": "0123456789abcdef0123456789abcdef",
                    "rewards": ["first_objective_complete", "session_complete",
                                "session_complete"],
                    "endTime": "2026-04-08T12:00:00.000Z"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(boost::json::parse(r.body),
            boost::json::parse(R"({"success": true, "playerId": "player-123",
                "sessionId": "0123456789abcdef0123456789abcdef", "rewardsStored": 2,
                "ttl": 1775908800})"));
  EXPECT_EQ(summaries_.rewards("player-123")->size(), 2u);
}

TEST_F(SessionSummaryRouteTest, AReplayGetsTheSameBody) {
  std::string body = R"({"playerId": "p", "sessionId": "s", "rewards": ["team_victory"]})";
  auto first = post(body);
  clock_.advance(std::chrono::seconds(3));
  auto replay = post(body);
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(replay.body, first.body);
}

TEST_F(SessionSummaryRouteTest, ADifferentSummaryForTheSameSessionIs409) {
  ASSERT_EQ(post(R"({"playerId": "p", "sessionId": "s"})").status, 200);
  auto r = post(R"({"playerId": "p", "sessionId": "s", "rewards": ["team_victory"]})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(boost::json::parse(r.body).at("error"), "CONFLICT");
}

TEST_F(SessionSummaryRouteTest, BadRequestsAre400WithTheOriginalMessage) {
  auto missing = post(R"({"playerId": "p"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(boost::json::parse(missing.body), boost::json::parse(R"({"error": "INVALID_REQUEST",
                                   "message": "playerId and sessionId are required"})"));
  auto not_json = post("{nope");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(boost::json::parse(not_json.body).at("error"), "INVALID_REQUEST");
  EXPECT_EQ(post(R"({"playerId": "p", "sessionId": "s", "endTime": "soon"})").status, 400);
}

TEST_F(SessionSummaryRouteTest, AnUnknownRewardIsInvalidRewardIdNamingIt) {
  auto r = post(R"({"playerId": "p", "sessionId": "s", "rewards": ["team_victory", "gold"]})");
  EXPECT_EQ(r.status, 400);
  auto body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("error"), "INVALID_REWARD_ID");
  EXPECT_NE(std::string(body.at("message").as_string()).find("gold"), std::string::npos);
  EXPECT_TRUE(summaries_.rewards("p")->empty());
}

TEST_F(SessionSummaryRouteTest, AStoreThatCannotCommitIsStorageFailed) {
  store_->close();
  auto r = post(R"({"playerId": "p", "sessionId": "s"})");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(boost::json::parse(r.body).at("error"), "STORAGE_FAILED");
}

}  // namespace
}  // namespace sapi::api
