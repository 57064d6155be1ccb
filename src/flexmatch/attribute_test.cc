// Attribute values and players from GameLift's request encoding and from plain JSON.

#include "flexmatch/attribute.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "flexmatch/test_support.h"
#include "flexmatch/ticket_json.h"

namespace sapi::flexmatch {
namespace {

namespace json = boost::json;

Result<AttributeValue> gamelift(std::string_view text, AttributeType t) {
  return attribute_from_gamelift(json::parse(text), t);
}
Result<AttributeValue> plain(std::string_view text, AttributeType t) {
  return attribute_from_plain_json(json::parse(text), t);
}

TEST(Attribute, DecodesEachGameLiftEncoding) {
  EXPECT_EQ(gamelift(R"({"N": 12.5})", AttributeType::kNumber)->as_number(), 12.5);
  EXPECT_EQ(gamelift(R"({"S": "ctf"})", AttributeType::kString)->as_string(), "ctf");
  EXPECT_EQ(gamelift(R"({"SL": ["b", "a", "b"]})", AttributeType::kStringList)->as_string_list(),
            (StringList{"a", "b"}));  // sorted, duplicates ignored as GameLift does
  auto m = gamelift(R"({"SDM": {"ice": 1, "dune": 2}})", AttributeType::kStringNumberMap);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->map_value("dune"), 2);
  EXPECT_EQ(m->map_value("lava"), std::nullopt);
}

TEST(Attribute, WrongEncodingSaysWhatWasExpectedAndFound) {
  auto r = gamelift(R"({"S": "high"})", AttributeType::kNumber);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            R"(expected {"N": number} for a number attribute, found {"S":"high"})");
  EXPECT_FALSE(gamelift(R"({"N": 1, "S": "x"})", AttributeType::kNumber).ok());
  EXPECT_FALSE(gamelift(R"({"SL": "x"})", AttributeType::kStringList).ok());
  EXPECT_FALSE(gamelift(R"(5)", AttributeType::kNumber).ok());
}

TEST(Attribute, PlainJsonAndLimits) {
  EXPECT_EQ(plain("7", AttributeType::kNumber)->as_number(), 7);
  EXPECT_FALSE(plain("\"7\"", AttributeType::kNumber).ok());
  EXPECT_FALSE(plain("\"\"", AttributeType::kString).ok());
  EXPECT_FALSE(plain('"' + std::string(101, 'x') + '"', AttributeType::kString).ok());
  std::string many = "[";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  EXPECT_FALSE(plain(many + "]", AttributeType::kStringList).ok());
  EXPECT_FALSE(plain(R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11})",
                     AttributeType::kStringNumberMap)
                   .ok());
  EXPECT_FALSE(plain(R"({"a": "x"})", AttributeType::kStringNumberMap).ok());
}

TEST(Attribute, RoundTripsThroughBothEncodings) {
  for (auto [text, type] : std::vector<std::pair<std::string, AttributeType>>{
           {"1.5", AttributeType::kNumber},
           {"\"x\"", AttributeType::kString},
           {"[\"a\",\"b\"]", AttributeType::kStringList},
           {"{\"a\":1.0}", AttributeType::kStringNumberMap}}) {
    auto v = plain(text, type);
    ASSERT_TRUE(v.ok()) << text;
    EXPECT_EQ(*attribute_from_gamelift(attribute_to_gamelift(*v), type), *v);
    EXPECT_EQ(*attribute_from_plain_json(attribute_to_plain_json(*v), type), *v);
  }
}

constexpr std::string_view kRuleSet = R"j({"ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number", "default": 10},
                       {"name": "modes", "type": "string_list"}],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2}]})j";

TEST(PlayerJson, GameLiftPlayerWithDefaultsTeamAndLatency) {
  auto rs = testing::valid_rule_set(kRuleSet);
  auto p = player_from_gamelift(json::parse(R"({"PlayerId": "p1", "Team": "red",
      "PlayerAttributes": {"modes": {"SL": ["ctf"]}, "unused": {"S": "kept by the game"}},
      "LatencyInMs": {"us-west-2": 80, "eu-west-1": 20}})"),
                                rs);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->id, "p1");
  EXPECT_EQ(p->attributes[0].as_number(), 10);  // default
  EXPECT_EQ(p->attributes[1].as_string_list(), (StringList{"ctf"}));
  EXPECT_EQ(p->team, 0);
  ASSERT_EQ(p->latencies.size(), 2u);
  EXPECT_EQ(p->latencies[0].region, "eu-west-1");  // sorted
  EXPECT_EQ(p->latency_to("us-west-2"), 80);
  EXPECT_EQ(p->latency_to("ap-south-1"), std::nullopt);
}

TEST(PlayerJson, ErrorsNameTheField) {
  auto rs = testing::valid_rule_set(kRuleSet);
  auto bad_type = player_from_plain_json(
      json::parse(R"({"playerId": "p", "attributes": {"skill": "high"}})"), rs);
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.status().message(),
            "attributes.skill: expected a number for a number attribute, found \"high\"");
  auto bad_team = player_from_plain_json(json::parse(R"({"playerId": "p", "team": "blue"})"), rs);
  EXPECT_EQ(bad_team.status().message(), "team: the rule set has no team \"blue\"");
  EXPECT_FALSE(player_from_plain_json(json::parse(R"({"attributes": {}})"), rs).ok());
  EXPECT_FALSE(
      player_from_plain_json(json::parse(R"({"playerId": "p", "latencyInMs": {"eu": -1}})"), rs)
          .ok());
}

}  // namespace
}  // namespace sapi::flexmatch
