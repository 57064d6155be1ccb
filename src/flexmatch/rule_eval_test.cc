// Rules and property expressions evaluated on small hand-built teams.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "flexmatch/expression_eval.h"
#include "flexmatch/expression_parser.h"
#include "flexmatch/test_support.h"

namespace sapi::flexmatch {
namespace {

using testing::player;
using testing::Teams;
using testing::valid_rule_set;
using testing::verdict;

constexpr std::string_view kHeader = R"j(
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number", "default": 10},
                       {"name": "mode", "type": "string", "default": "ffa"},
                       {"name": "modes", "type": "string_list", "default": ["ffa"]},
                       {"name": "maps", "type": "string_number_map"},
                       {"name": "block", "type": "string_list", "default": []}],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 5},
            {"name": "blue", "minPlayers": 1, "maxPlayers": 5}])j";

RuleSet with_rules(std::string_view rules, std::string_view extra = "") {
  return valid_rule_set(fmt::format("{{{}, \"rules\": [{}]{}}}", kHeader, rules, extra));
}

RuleSet base() { return with_rules(""); }

// red: a(10), b(20); blue: c(30), d(50).
Teams skills(const RuleSet& rs) {
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(player(rs, R"j({"playerId": "a", "attributes": {"skill": 10}})j"));
  t.storage[0].push_back(player(rs, R"j({"playerId": "b", "attributes": {"skill": 20}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "c", "attributes": {"skill": 30}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "d", "attributes": {"skill": 50}})j"));
  return t;
}

std::string eval(const RuleSet& rs, std::string_view text, const Teams& teams) {
  auto parsed = parse_expression(text, rs);
  EXPECT_TRUE(parsed.expr.has_value()) << text << ": " << parsed.error;
  if (!parsed.expr) return "";
  return detail::render(detail::evaluate(*parsed.expr, teams.view()));
}

TEST(Expressions, SelectorsOfOneTeamYieldItsListDirectly) {
  auto rs = base();
  auto t = skills(rs);
  EXPECT_EQ(eval(rs, "teams[red].players.attributes[skill]", t), "[10, 20]");
  EXPECT_EQ(eval(rs, "teams[blue].players[playerId]", t), "[\"c\", \"d\"]");
  EXPECT_EQ(eval(rs, "count(teams[red].players)", t), "2");
  EXPECT_FALSE(parse_expression("count(teams[red])", rs).expr);  // one team is not a list
}

TEST(Expressions, StarAndTeamListsYieldOneListPerTeam) {
  auto rs = base();
  auto t = skills(rs);
  EXPECT_EQ(eval(rs, "teams[*].players.attributes[skill]", t), "[[10, 20], [30, 50]]");
  EXPECT_EQ(eval(rs, "teams[blue, red].players.attributes[skill]", t), "[[30, 50], [10, 20]]");
  EXPECT_EQ(eval(rs, "count(teams[*].players)", t), "[2, 2]");
  EXPECT_EQ(eval(rs, "count(teams[*])", t), "2");
}

TEST(Expressions, FunctionsOnNestedListsWorkPerSublist) {
  auto rs = base();
  auto t = skills(rs);
  EXPECT_EQ(eval(rs, "avg(teams[*].players.attributes[skill])", t), "[15, 40]");
  EXPECT_EQ(eval(rs, "max(avg(teams[*].players.attributes[skill]))", t), "40");
  EXPECT_EQ(eval(rs, "min(teams[*].players.attributes[skill])", t), "[10, 30]");
  EXPECT_EQ(eval(rs, "sum(teams[*].players.attributes[skill])", t), "[30, 80]");
  EXPECT_EQ(eval(rs, "median(flatten(teams[*].players.attributes[skill]))", t), "25");
  EXPECT_EQ(eval(rs, "stddev(teams[red].players.attributes[skill])", t), "5");
  EXPECT_EQ(eval(rs, "avg(flatten(teams[*].players.attributes[skill]))", t), "27.5");
  EXPECT_EQ(eval(rs, "flatten(teams[*].players[playerId])", t), "[\"a\", \"b\", \"c\", \"d\"]");
}

TEST(Expressions, AggregatesOfEmptyListsYieldNothingButCountAndSumYieldZero) {
  auto rs = base();
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(player(rs, R"j({"playerId": "a", "attributes": {"skill": 10}})j"));
  EXPECT_EQ(eval(rs, "avg(teams[*].players.attributes[skill])", t), "[10, nothing]");
  EXPECT_EQ(eval(rs, "count(teams[*].players)", t), "[1, 0]");
  EXPECT_EQ(eval(rs, "sum(teams[blue].players.attributes[skill])", t), "0");
}

TEST(Expressions, StringListsAreOneLevelDeeperAndSetIntersectionWorksPerSublist) {
  auto rs = base();
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(
      player(rs, R"j({"playerId": "a", "attributes": {"modes": ["ctf", "dm"]}})j"));
  t.storage[0].push_back(
      player(rs, R"j({"playerId": "b", "attributes": {"modes": ["dm", "ctf", "dm"]}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "c", "attributes": {"modes": ["dm"]}})j"));
  EXPECT_EQ(eval(rs, "teams[red].players.attributes[modes]", t),
            "[[\"ctf\", \"dm\"], [\"ctf\", \"dm\"]]");
  EXPECT_EQ(eval(rs, "set_intersection(flatten(teams[*].players.attributes[modes]))", t),
            "[\"dm\"]");
  EXPECT_EQ(eval(rs, "set_intersection(teams[*].players.attributes[modes])", t),
            "[[\"ctf\", \"dm\"], [\"dm\"]]");
  // count works on the innermost lists: one count per player's list.
  EXPECT_EQ(eval(rs, "count(flatten(teams[*].players.attributes[modes]))", t), "[2, 2, 1]");
}

TEST(ComparisonRule, AgainstAReferenceEveryValueMustPass) {
  auto rs = with_rules(R"j(
    {"name": "min", "type": "comparison", "operation": ">=", "referenceValue": 10,
     "measurements": ["flatten(teams[*].players.attributes[skill])"]},
    {"name": "strong", "type": "comparison", "operation": ">", "referenceValue": 25,
     "measurements": ["teams[blue].players.attributes[skill]"]},
    {"name": "weak", "type": "comparison", "operation": "<", "referenceValue": 20,
     "measurements": ["teams[red].players.attributes[skill]"]},
    {"name": "mono", "type": "comparison", "operation": "=", "referenceValue": "ffa",
     "measurements": ["flatten(teams[*].players.attributes[mode])"]},
    {"name": "sizes", "type": "comparison", "operation": "=",
     "measurements": ["count(teams[red].players)"], "referenceValue": "count(teams[blue].players)"})j");
  auto t = skills(rs);
  EXPECT_TRUE(verdict(rs, "min", t).pass);
  EXPECT_TRUE(verdict(rs, "strong", t).pass);
  auto weak = verdict(rs, "weak", t);
  EXPECT_FALSE(weak.pass);
  EXPECT_EQ(weak.reason, "teams[red].players.attributes[skill] yields 20, which is not < 20");
  EXPECT_TRUE(verdict(rs, "mono", t).pass);
  EXPECT_TRUE(verdict(rs, "sizes", t).pass);
  t.storage[1].pop_back();
  EXPECT_FALSE(verdict(rs, "sizes", t).pass);
}

TEST(ComparisonRule, WithoutReferenceEqualMeansAllEqualAndNotEqualAllDifferent) {
  auto rs = with_rules(R"j(
    {"name": "same", "type": "comparison", "operation": "=",
     "measurements": ["flatten(teams[*].players.attributes[mode])"]},
    {"name": "distinct", "type": "comparison", "operation": "!=",
     "measurements": ["flatten(teams[*].players.attributes[skill])"]})j");
  auto t = skills(rs);
  EXPECT_TRUE(verdict(rs, "same", t).pass);
  EXPECT_TRUE(verdict(rs, "distinct", t).pass);
  t.storage[1][0].attributes[1] = AttributeValue::string("ctf");
  t.storage[1][0].attributes[0] = AttributeValue::number(10);
  EXPECT_FALSE(verdict(rs, "same", t).pass);
  auto d = verdict(rs, "distinct", t);
  EXPECT_FALSE(d.pass);
  EXPECT_NE(d.reason.find("10 twice"), std::string::npos) << d.reason;
}

TEST(DistanceRule, MaxAndMinDistanceFromAReferenceWithExpansion) {
  auto rs = with_rules(R"j(
    {"name": "fair", "type": "distance", "maxDistance": 10,
     "measurements": ["avg(teams[*].players.attributes[skill])"],
     "referenceValue": "avg(flatten(teams[*].players.attributes[skill]))"},
    {"name": "apart", "type": "distance", "minDistance": 20, "referenceValue": 0,
     "measurements": ["teams[blue].players.attributes[skill]"]})j",
                       R"j(, "expansions": [{"target": "rules[fair].maxDistance",
        "steps": [{"waitTimeSeconds": 10, "value": 15}]}])j");
  auto t = skills(rs);  // team averages 15 and 40, overall 27.5: 12.5 apart
  auto v = verdict(rs, "fair", t, 9.9);
  EXPECT_FALSE(v.pass);
  EXPECT_NE(v.reason.find("maxDistance is 10"), std::string::npos) << v.reason;
  EXPECT_TRUE(verdict(rs, "fair", t, 10).pass);
  EXPECT_TRUE(verdict(rs, "apart", t).pass);
  t.storage[1][0].attributes[0] = AttributeValue::number(19);
  EXPECT_FALSE(verdict(rs, "apart", t).pass);
}

TEST(CollectionRule, IntersectionCountsTheValuesEveryPlayerShares) {
  auto rs = with_rules(R"j(
    {"name": "shared", "type": "collection", "operation": "intersection", "minCount": 1,
     "measurements": ["flatten(teams[*].players.attributes[modes])"]})j");
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(
      player(rs, R"j({"playerId": "a", "attributes": {"modes": ["ctf", "dm"]}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "b", "attributes": {"modes": ["dm"]}})j"));
  EXPECT_TRUE(verdict(rs, "shared", t).pass);
  t.storage[1][0].attributes[2] = AttributeValue::string_list({"koth"});
  auto v = verdict(rs, "shared", t);
  EXPECT_FALSE(v.pass);
  EXPECT_NE(v.reason.find("below minCount 1"), std::string::npos) << v.reason;
}

TEST(CollectionRule, ContainsCountsOccurrencesAcrossPlayers) {
  auto rs = with_rules(R"j(
    {"name": "medics", "type": "collection", "operation": "contains", "referenceValue": "medic",
     "maxCount": 1, "measurements": ["flatten(teams[*].players.attributes[modes])"]})j");
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(player(rs, R"j({"playerId": "a", "attributes": {"modes": ["medic"]}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "b", "attributes": {"modes": ["tank"]}})j"));
  EXPECT_TRUE(verdict(rs, "medics", t).pass);
  t.storage[1][0].attributes[2] = AttributeValue::string_list({"medic", "tank"});
  EXPECT_FALSE(verdict(rs, "medics", t).pass);
}

TEST(CollectionRule, ReferenceIntersectionCountChecksEachPlayersList) {
  // The block-list sample: nobody's block list names a player of the match.
  auto rs = with_rules(R"j(
    {"name": "blocked", "type": "collection", "operation": "reference_intersection_count",
     "measurements": "flatten(teams[*].players.attributes[block])",
     "referenceValue": "flatten(teams[*].players[playerId])", "maxCount": 0})j");
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(player(rs, R"j({"playerId": "a", "attributes": {"block": ["x"]}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "b"})j"));
  EXPECT_TRUE(verdict(rs, "blocked", t).pass);
  t.storage[0][0].attributes[4] = AttributeValue::string_list({"b", "x"});
  auto v = verdict(rs, "blocked", t);
  EXPECT_FALSE(v.pass);
  EXPECT_NE(v.reason.find("above maxCount 0"), std::string::npos) << v.reason;
}

TEST(LatencyRule, NeedsARegionWhereEveryPlayerIsUnderMaxLatency) {
  auto rs = with_rules(R"j({"name": "fast", "type": "latency", "maxLatency": 100})j");
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(
      player(rs, R"j({"playerId": "a", "latencyInMs": {"eu": 40, "us": 150}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "b", "latencyInMs": {"eu": 90, "us": 20}})j"));
  EXPECT_TRUE(verdict(rs, "fast", t).pass);
  EXPECT_EQ(common_regions(t.view(), 100), (std::vector<std::string>{"eu"}));
  t.storage[1][0].latencies[0].ms = 120;  // eu now too slow for b; us too slow for a
  EXPECT_FALSE(verdict(rs, "fast", t).pass);
  t.storage[1][0].latencies.clear();
  auto v = verdict(rs, "fast", t);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.reason, "player b reported no latency");
}

TEST(LatencyRule, MaxDistanceFromTheLowestOrAverageLatency) {
  auto rs = with_rules(R"j(
    {"name": "near_min", "type": "latency", "maxLatency": 200, "maxDistance": 30},
    {"name": "near_avg", "type": "latency", "maxLatency": 200, "maxDistance": 30,
     "distanceReference": "avg"})j");
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(player(rs, R"j({"playerId": "a", "latencyInMs": {"eu": 10}})j"));
  t.storage[0].push_back(player(rs, R"j({"playerId": "b", "latencyInMs": {"eu": 20}})j"));
  t.storage[1].push_back(player(rs, R"j({"playerId": "c", "latencyInMs": {"eu": 60}})j"));
  EXPECT_FALSE(verdict(rs, "near_min", t).pass);  // 60 - 10 = 50 > 30
  EXPECT_TRUE(verdict(rs, "near_avg", t).pass);   // 60 - 30 = 30
}

TEST(BatchDistanceRule, NumbersWithinMaxDistanceOfEachOtherAndStringsEqual) {
  // batchDistance appears in no public rule set; this follows the documented examples.
  auto rs = with_rules(R"j(
    {"name": "SimilarSkill", "type": "batchDistance", "batchAttribute": "skill", "maxDistance": 40},
    {"name": "SameMode", "type": "batchDistance", "batchAttribute": "mode"})j",
                       R"j(, "expansions": [{"target": "rules[SimilarSkill].maxDistance",
        "steps": [{"waitTimeSeconds": 5, "value": 30}]}])j");
  auto t = skills(rs);  // 10..50
  EXPECT_TRUE(verdict(rs, "SimilarSkill", t).pass);
  auto v = verdict(rs, "SimilarSkill", t, 5);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.reason,
            "skill ranges from 10 (player a) to 50 (player d), more than maxDistance 30 apart");
  EXPECT_TRUE(verdict(rs, "SameMode", t).pass);
  t.storage[1][1].attributes[1] = AttributeValue::string("ctf");
  EXPECT_FALSE(verdict(rs, "SameMode", t).pass);
}

TEST(PartyAggregation, DoesNotChangeWhetherARulePasses) {
  // A party of 10 and 40 averages 25, within 10 of 30; but each player counts on their own.
  auto rs = with_rules(R"j(
    {"name": "near", "type": "distance", "maxDistance": 10, "referenceValue": 30,
     "partyAggregation": "avg", "measurements": ["flatten(teams[*].players.attributes[skill])"]})j");
  Teams t;
  t.storage.resize(2);
  t.storage[0].push_back(player(rs, R"j({"playerId": "a", "attributes": {"skill": 10}})j"));
  t.storage[0].push_back(player(rs, R"j({"playerId": "b", "attributes": {"skill": 40}})j"));
  EXPECT_FALSE(verdict(rs, "near", t).pass);
}

TEST(SortRules, KeysOrderCandidatesAndAlwaysPass) {
  auto rs = with_rules(R"j(
    {"name": "byMap", "type": "absoluteSort", "sortDirection": "descending",
     "sortAttribute": "maps", "mapKey": "maxValue"},
    {"name": "bySkill", "type": "distanceSort", "sortAttribute": "skill", "partyAggregation": "max"})j");
  auto anchor_p = player(
      rs, R"j({"playerId": "a", "attributes": {"skill": 20, "maps": {"dune": 90, "ice": 10}}})j");
  auto p1 = player(rs, R"j({"playerId": "b", "attributes": {"skill": 5, "maps": {"dune": 30}}})j");
  auto p2 = player(rs, R"j({"playerId": "c", "attributes": {"skill": 40, "maps": {"ice": 99}}})j");
  Ticket anchor{"t0", {anchor_p}, {}, false};
  Ticket party{"t1", {p1, p2}, {}, false};
  Ticket lone{"t2", {p2}, {}, false};
  const Rule& by_map = rs.rules[0];
  const Rule& by_skill = rs.rules[1];
  // The anchor's favourite map is "dune"; only b rated it, so the party's key is -30.
  EXPECT_EQ(sort_key(rs, by_map, party, anchor), -30);
  EXPECT_EQ(sort_key(rs, by_map, lone, anchor), std::nullopt);
  // distanceSort with max aggregation: |40 - 20|.
  EXPECT_EQ(sort_key(rs, by_skill, party, anchor), 20);
  EXPECT_EQ(party_number(party, 0, PartyAggregation::kMin), 5);
  EXPECT_EQ(party_number(party, 0, PartyAggregation::kAvg), 22.5);
  Teams t;
  t.storage = {{anchor_p}, {p1}};
  EXPECT_TRUE(verdict(rs, "byMap", t).pass);
}

TEST(CompoundRule, StatementsCombineTheReferencedRules) {
  auto rs = with_rules(R"j(
    {"name": "low", "type": "comparison", "operation": "<", "referenceValue": 15,
     "measurements": ["flatten(teams[*].players.attributes[skill])"]},
    {"name": "ffa", "type": "comparison", "operation": "=", "referenceValue": "ffa",
     "measurements": ["flatten(teams[*].players.attributes[mode])"]},
    {"name": "either", "type": "compound", "statement": "or(low, ffa)"},
    {"name": "both", "type": "compound", "statement": "and(low, ffa)"},
    {"name": "one", "type": "compound", "statement": "xor(low, ffa)"},
    {"name": "neither", "type": "compound", "statement": "not(or(low, ffa))"})j");
  auto t = skills(rs);  // low fails (20 >= 15), ffa passes
  EXPECT_TRUE(verdict(rs, "either", t).pass);
  auto both = verdict(rs, "both", t);
  EXPECT_FALSE(both.pass);
  EXPECT_NE(both.reason.find("low fails"), std::string::npos) << both.reason;
  EXPECT_NE(both.reason.find("ffa passes"), std::string::npos) << both.reason;
  EXPECT_TRUE(verdict(rs, "one", t).pass);
  EXPECT_FALSE(verdict(rs, "neither", t).pass);
  // Rules inside a compound are not enforced on their own.
  auto failures = failed_rules(rs, t.view(), 0);
  std::vector<std::string> names;
  for (const auto& f : failures) names.push_back(rs.rules[f.rule].name);
  EXPECT_EQ(names, (std::vector<std::string>{"both", "neither"}));
}

TEST(Matchability, AbsentAttributeWithoutDefaultOrMissingLatencyNeverMatches) {
  auto rs = with_rules(R"j({"name": "fast", "type": "latency", "maxLatency": 100})j");
  auto p = player(rs, R"j({"playerId": "a", "latencyInMs": {"eu": 10}})j");
  EXPECT_EQ(unmatchable_reason(rs, p),
            "player a has no value for attribute maps, which has no default");
  p.attributes[3] = AttributeValue::string_number_map({{"dune", 1}});
  EXPECT_EQ(unmatchable_reason(rs, p), std::nullopt);
  p.latencies.clear();
  EXPECT_EQ(unmatchable_reason(rs, p),
            "player a reported no latency and the rule set has a latency rule");
}

}  // namespace
}  // namespace sapi::flexmatch
