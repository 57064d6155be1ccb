#include "sessions/summary.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sapi::sessions {
namespace {

const Clock::TimePoint kNow{std::chrono::seconds(1'775'649'600)};  // 2026-04-08T12:00:00Z

Result<SessionSummary> parse(std::string_view json) {
  return parse_summary(boost::json::parse(json), kNow);
}

std::string error_of(std::string_view json) {
  auto r = parse(json);
  EXPECT_FALSE(r.ok()) << json;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  return r.status().message();
}

TEST(SessionSummaryRequest, TheGameServersBodyIsAccepted) {
  auto s = parse(R"({"playerId": "player-123", "sessionId": "0123456789abcdef0123456789abcdef",
                     "rewards": ["first_objective_complete", "session_complete"],
                     "endTime": "2026-04-08T11:59:00.000Z"})");
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->player_id, "player-123");
  EXPECT_EQ(s->session_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(s->rewards, (std::vector<std::string>{"first_objective_complete", "session_complete"}));
  EXPECT_EQ(s->end_time, kNow - std::chrono::minutes(1));
}

TEST(SessionSummaryRequest, RewardsAndEndTimeAreOptional) {
  auto s = parse(R"({"playerId": "p", "sessionId": "s"})");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->rewards.empty());
  EXPECT_FALSE(s->end_time.has_value());
}

TEST(SessionSummaryRequest, ARewardListedTwiceIsKeptOnce) {
  auto s = parse(R"({"playerId": "p", "sessionId": "s", "rewards": ["b", "a", "b", "a"]})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rewards, (std::vector<std::string>{"b", "a"}));
}

TEST(SessionSummaryRequest, MissingOrEmptyIdsGetTheOriginalMessage) {
  for (const char* body :
       {R"({})", R"({"playerId": "p"})", R"({"sessionId": "s"})",
        R"({"playerId": "", "sessionId": "s"})", R"({"playerId": "p", "sessionId": ""})",
        R"({"playerId": 7, "sessionId": "s"})", R"({"playerId": "p", "sessionId": null})"}) {
    EXPECT_EQ(error_of(body), "playerId and sessionId are required") << body;
  }
  EXPECT_EQ(error_of("[1, 2]"), "request body must be a JSON object");
}

TEST(SessionSummaryRequest, IdsHaveLengthLimitsInCharacters) {
  std::string max_player(1024, 'p');
  std::string player_json = R"({"playerId": ")" + max_player + R"(", "sessionId": "s"})";
  EXPECT_TRUE(parse(player_json).ok());
  player_json = R"({"playerId": ")" + max_player + R"(p", "sessionId": "s"})";
  EXPECT_EQ(error_of(player_json), "playerId must be at most 1024 characters");

  std::string session(128, 's');
  EXPECT_TRUE(parse(R"({"playerId": "p", "sessionId": ")" + session + R"("})").ok());
  EXPECT_EQ(error_of(R"({"playerId": "p", "sessionId": ")" + session + R"(s"})"),
            "sessionId must be at most 128 characters");

  std::string accented;  // 128 two-byte characters: 256 bytes, still 128 characters
  for (int i = 0; i < 128; ++i) accented += "\xc3\xa9";
  EXPECT_TRUE(parse(R"({"playerId": "p", "sessionId": ")" + accented + R"("})").ok());
}

// Found by tests/e2e/hostile_input.test.mjs: an id ending in an escaped NUL was stored.
TEST(SessionSummaryRequest, IdsMustNotHoldControlCharacters) {
  for (const char* body :
       {R"({"playerId": "p\u0000", "sessionId": "s"})",
        R"({"playerId": "p", "sessionId": "s\u0000x"})", R"({"playerId": "p\n", "sessionId": "s"})",
        R"({"playerId": "p", "sessionId": "\u007f"})"}) {
    EXPECT_EQ(error_of(body), "playerId and sessionId must not contain control characters") << body;
  }
  EXPECT_TRUE(parse(R"({"playerId": "p\u00e9", "sessionId": "s"})").ok());
}

TEST(SessionSummaryRequest, RewardsMustBeAShortArrayOfWellFormedIds) {
  EXPECT_EQ(error_of(R"({"playerId": "p", "sessionId": "s", "rewards": "a"})"),
            "rewards must be an array of reward ids");
  std::string many = R"({"playerId": "p", "sessionId": "s", "rewards": [)";
  for (int i = 0; i < 101; ++i)
    many += (i ? "," : "") + std::string("\"r") + std::to_string(i) + "\"";
  EXPECT_EQ(error_of(many + "]}"), "rewards must hold at most 100 reward ids");
  for (const char* bad :
       {R"([""])", R"(["has space"])", R"(["semi;colon"])", R"([7])", R"(["ok", "üñí"])"}) {
    auto message =
        error_of(std::string(R"({"playerId": "p", "sessionId": "s", "rewards": )") + bad + "}");
    EXPECT_NE(message.find("is not a valid reward id"), std::string::npos) << bad;
  }
  EXPECT_TRUE(is_valid_reward_id("team.victory:v2-final_1"));
  EXPECT_TRUE(is_valid_reward_id(std::string(128, 'r')));
  EXPECT_FALSE(is_valid_reward_id(std::string(129, 'r')));
}

TEST(SessionSummaryRequest, EndTimeMustBeAPlausibleIsoDateTime) {
  auto with_end = [](const std::string& end) {
    return R"({"playerId": "p", "sessionId": "s", "endTime": )" + end + "}";
  };
  EXPECT_TRUE(parse(with_end(R"("2026-04-08T14:00:00+02:00")")).ok());
  EXPECT_TRUE(parse(with_end(R"("2026-04-09T11:00:00Z")")).ok());  // clocks drift a little
  EXPECT_TRUE(parse(with_end("null")).ok());
  for (const char* bad :
       {R"("yesterday")", R"("2026-04-08")", "1775649600", R"("")", R"("9999-12-31T23:59:59Z")"}) {
    EXPECT_NE(error_of(with_end(bad)).find("endTime must be an ISO-8601 date-time"),
              std::string::npos)
        << bad;
  }
  for (const char* absurd :
       {R"("1999-12-31T23:59:59Z")", R"("2026-04-10T12:00:00Z")", R"("2261-12-31T23:59:59Z")"}) {
    EXPECT_NE(error_of(with_end(absurd)).find("endTime is out of range"), std::string::npos)
        << absurd;
  }
}

}  // namespace
}  // namespace sapi::sessions
