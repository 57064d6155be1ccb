#include "api/matchmaking_request.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "matchmaking/configuration.h"

namespace sapi::api {
namespace {

class StartRequestTest : public ::testing::Test {
 protected:
  StartRequestTest() : config_(matchmaking::embedded_configurations("default")[0]) {}

  Result<matchmaking::StartRequest> decode(std::string_view body, std::string caller = "alice") {
    return decode_start_request(boost::json::parse(body).as_object(), caller, config_);
  }

  matchmaking::Configuration config_;
};

TEST_F(StartRequestTest, ReadsTheSeedBodyWithLatencyInsidePlayerAttributes) {
  auto r = decode(R"({"playerId": "alice", "playerAttributes": {"skill": 14, "region": "us-east-1",
                     "latencyInMs": {"us-east-1": 150, "eu-west-1": 50}}})");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->players.size(), 1u);
  const auto& p = r->players[0];
  EXPECT_EQ(p.id, "alice");
  EXPECT_EQ(p.attributes[config_.rules->attribute_index("skill")].as_number(), 14);
  EXPECT_EQ(p.attributes[config_.rules->attribute_index("region")].as_string(), "us-east-1");
  ASSERT_EQ(p.latencies.size(), 2u);
  EXPECT_EQ(p.latencies[0].region, "eu-west-1");
  EXPECT_EQ(p.latencies[0].ms, 50);
  EXPECT_EQ(r->owner_player_id, "alice");
  EXPECT_FALSE(r->ticket_id.has_value());
}

TEST_F(StartRequestTest, DefaultsFillWhatIsNotSentAndUndeclaredAttributesAreIgnored) {
  auto r = decode(R"({"playerAttributes": {"colour": "red"}})");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->players[0].attributes[config_.rules->attribute_index("skill")].as_number(), 10);
  EXPECT_TRUE(r->players[0].latencies.empty());
}

TEST_F(StartRequestTest, WrongTypesNameTheAttribute) {
  auto r = decode(R"({"playerAttributes": {"skill": "high"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("playerAttributes.skill"), std::string::npos)
      << r.status().message();
  auto lat = decode(R"({"playerAttributes": {"latencyInMs": {"eu-west-1": -3}}})");
  ASSERT_FALSE(lat.ok());
  EXPECT_NE(lat.status().message().find("latencyInMs.eu-west-1"), std::string::npos);
  EXPECT_FALSE(decode(R"({"playerAttributes": 3})").ok());
}

TEST_F(StartRequestTest, AcceptsGameLiftEncodings) {
  auto r = decode(R"({"playerAttributes": {"skill": {"N": 7}, "region": {"S": "ap"}}})");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->players[0].attributes[config_.rules->attribute_index("skill")].as_number(), 7);
}

TEST_F(StartRequestTest, ReadsAPartyTicketIdAndConfigurationName) {
  auto r = decode(R"({"ticketId": "t-1", "configurationName": "x", "players": [
      {"playerId": "alice", "playerAttributes": {"skill": 3}},
      {"playerId": "bob", "latencyInMs": {"eu-west-1": 20}}]})");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(*r->ticket_id, "t-1");
  ASSERT_EQ(r->players.size(), 2u);
  EXPECT_EQ(r->players[1].id, "bob");
  EXPECT_EQ(r->players[1].latencies.size(), 1u);
  auto name = configuration_name(boost::json::parse(R"({"configurationName": "x"})").as_object());
  EXPECT_EQ(*name, "x");
  EXPECT_FALSE(decode(R"({"players": []})").ok());
  EXPECT_FALSE(decode(R"({"players": [{"playerAttributes": {}}]})").ok());
}

// Found by tests/e2e/hostile_input.test.mjs: beside a party, broken top-level attributes and
// latencies were ignored and the ticket started.
TEST_F(StartRequestTest, APartyStillRefusesBrokenTopLevelAttributesAndLatencies) {
  const std::string party = R"("players": [{"playerId": "alice"}])";
  EXPECT_FALSE(decode(R"({"playerAttributes": 7, )" + party + "}").ok());
  EXPECT_FALSE(decode(R"({"playerAttributes": {"skill": "high"}, )" + party + "}").ok());
  EXPECT_FALSE(decode(R"({"latencyInMs": {"eu-west-1": -1}, )" + party + "}").ok());
  EXPECT_TRUE(decode(R"({"playerAttributes": {"skill": 3}, )" + party + "}").ok());
}

TEST_F(StartRequestTest, BackfillPlayersCarryTheirTeamAndDecodedAttributes) {
  auto players = decode_backfill_players(
      boost::json::parse(R"([{"playerId": "alice", "team": "red", "playerAttributes": {"skill": 30},
                              "latencyInMs": {"eu-west-1": 40}},
                             {"playerId": "bob", "team": "blue"}])")
          .as_array(),
      config_);
  ASSERT_TRUE(players.ok()) << players.status().to_string();
  ASSERT_EQ(players->size(), 2u);
  EXPECT_EQ((*players)[0].id, "alice");
  EXPECT_EQ(config_.rules->teams[*(*players)[0].team].name, "red");
  EXPECT_EQ((*players)[0].attributes[config_.rules->attribute_index("skill")].as_number(), 30);
  EXPECT_EQ((*players)[0].latencies.size(), 1u);
  EXPECT_EQ(config_.rules->teams[*(*players)[1].team].name, "blue");
}

TEST_F(StartRequestTest, BackfillPlayersWithoutAValidTeamAreRefusedByIndexAndKey) {
  auto decode_players = [&](std::string_view body) {
    return decode_backfill_players(boost::json::parse(body).as_array(), config_);
  };
  auto green =
      decode_players(R"([{"playerId": "a", "team": "red"}, {"playerId": "b", "team": "green"}])");
  ASSERT_FALSE(green.ok());
  EXPECT_EQ(green.status().message(),
            "players[1].team: \"green\" is not a team of the rule set (red, blue)");
  EXPECT_FALSE(decode_players(R"([{"playerId": "a"}])").ok());
  EXPECT_FALSE(decode_players(R"([{"team": "red"}])").ok());
  EXPECT_FALSE(decode_players(R"([])").ok());
  auto typed =
      decode_players(R"([{"playerId": "a", "team": "red", "playerAttributes": {"skill": "x"}}])");
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.status().message().rfind("players[0].playerAttributes.skill", 0), 0u);
}

}  // namespace
}  // namespace sapi::api
