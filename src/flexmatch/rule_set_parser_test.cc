// What the validator says about rule sets a designer gets wrong, and what it decides where
// FlexMatch's documentation is open (docs/flexmatch.md).

#include "flexmatch/rule_set_parser.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "flexmatch/expression_parser.h"
#include "flexmatch/test_support.h"

namespace sapi::flexmatch {
namespace {

using testing::valid_rule_set;

// A valid two-team rule set to break one piece at a time.
std::string with_rules(std::string_view rules, std::string_view extra = "") {
  return fmt::format(R"j({{
    "name": "t", "ruleLanguageVersion": "1.0",
    "playerAttributes": [{{"name": "skill", "type": "number", "default": 10}},
                         {{"name": "mode", "type": "string"}},
                         {{"name": "modes", "type": "string_list"}},
                         {{"name": "maps", "type": "string_number_map"}}],
    "teams": [{{"name": "red", "minPlayers": 2, "maxPlayers": 4}},
              {{"name": "blue", "minPlayers": 2, "maxPlayers": 4}}],
    "rules": [{}] {}
  }})j",
                     rules, extra);
}

const Diagnostic* find(const ParseOutcome& o, std::string_view path) {
  for (const auto& d : o.diagnostics) {
    if (d.path == path) return &d;
  }
  return nullptr;
}

std::string all(const ParseOutcome& o) {
  std::string s;
  for (const auto& d : o.diagnostics) s += d.to_string() + "\n";
  return s;
}

#define EXPECT_ERROR_AT(outcome, path, text)                                       \
  do {                                                                             \
    const Diagnostic* d_ = find(outcome, path);                                    \
    ASSERT_NE(d_, nullptr) << "no diagnostic at " << path << "\n" << all(outcome); \
    EXPECT_TRUE(d_->is_error()) << d_->to_string();                                \
    EXPECT_NE(d_->message.find(text), std::string::npos) << d_->to_string();       \
  } while (0)

TEST(RuleSetParser, NotJsonSaysWhere) {
  auto o = parse_rule_set("{\n  \"teams\": [\n  }");
  ASSERT_FALSE(o.ok());
  ASSERT_EQ(o.errors().size(), 1u);
  EXPECT_NE(o.errors()[0].message.find("line 3"), std::string::npos) << all(o);
}

TEST(RuleSetParser, RequiredTopLevelKeys) {
  auto o = parse_rule_set("{}");
  EXPECT_ERROR_AT(o, "ruleLanguageVersion", "required");
  EXPECT_ERROR_AT(o, "teams", "required");
  auto v = parse_rule_set(R"j({"ruleLanguageVersion": "2.0", "teams": []})j");
  EXPECT_ERROR_AT(v, "ruleLanguageVersion", "\"1.0\"");
  EXPECT_ERROR_AT(v, "teams", "at least one team");
}

TEST(RuleSetParser, WrongTypeNamesPathExpectedAndFound) {
  auto o = parse_rule_set(with_rules(R"j(
    {"name": "a", "type": "latency", "maxLatency": 100},
    {"name": "b", "type": "latency", "maxLatency": 100},
    {"name": "c", "type": "distance", "measurements": ["avg(teams[red].players.attributes[skill])"],
     "referenceValue": 10, "maxDistance": "far"})j"));
  ASSERT_FALSE(o.ok());
  EXPECT_ERROR_AT(o, "rules[2].maxDistance", "expected a number, found the string \"far\"");
}

TEST(RuleSetParser, ReportsEveryErrorAtOnce) {
  auto o = parse_rule_set(R"j({
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "integer"}],
    "teams": [{"name": "red", "minPlayers": 5, "maxPlayers": 4}],
    "rules": [{"name": "x", "type": "nearby"},
              {"name": "y", "type": "comparison", "operation": "~",
               "measurements": ["avg(teams[green].players.attributes[skill])"]}],
    "expansions": [{"target": "rules[z].maxDistance", "steps": [{"waitTimeSeconds": 5, "value": 1}]}]
  })j");
  ASSERT_FALSE(o.ok());
  EXPECT_ERROR_AT(o, "playerAttributes[0].type", "found \"integer\"");
  EXPECT_ERROR_AT(o, "teams[0].minPlayers", "larger than maxPlayers 4");
  EXPECT_ERROR_AT(o, "rules[0].type", "found \"nearby\"");
  EXPECT_ERROR_AT(o, "rules[1].operation", "found \"~\"");
  EXPECT_ERROR_AT(o, "rules[1].measurements[0]", "unknown team \"green\"");
  EXPECT_ERROR_AT(o, "expansions[0].target", "unknown rule \"z\"");
  EXPECT_GE(o.errors().size(), 6u);
}

TEST(RuleSetParser, ExpressionErrors) {
  auto o = parse_rule_set(with_rules(R"j(
    {"name": "a", "type": "distance", "measurements": ["avg(teams[red].players.attributes[mode])"],
     "referenceValue": 1, "maxDistance": 1},
    {"name": "b", "type": "distance", "measurements": ["avg(teams[red].players.attributes[level])"],
     "referenceValue": 1, "maxDistance": 1},
    {"name": "c", "type": "distance", "measurements": ["mean(teams[red].players.attributes[skill])"],
     "referenceValue": 1, "maxDistance": 1},
    {"name": "d", "type": "distance", "measurements": ["avg(teams[red].players.attributes[skill]"],
     "referenceValue": 1, "maxDistance": 1},
    {"name": "e", "type": "collection", "operation": "intersection", "minCount": 1,
     "measurements": ["set_intersection(teams[*].players.attributes[skill])"]},
    {"name": "f", "type": "distance", "measurements": ["teams[red].players[name]"],
     "referenceValue": 1, "maxDistance": 1})j"));
  EXPECT_ERROR_AT(o, "rules[0].measurements[0]",
                  "avg() expects a list of numbers, found a list of strings");
  EXPECT_ERROR_AT(o, "rules[1].measurements[0]", "unknown player attribute \"level\"");
  EXPECT_ERROR_AT(o, "rules[2].measurements[0]", "unknown function \"mean\"");
  EXPECT_ERROR_AT(o, "rules[3].measurements[0]", "expected \")\"");
  EXPECT_ERROR_AT(o, "rules[4].measurements[0]",
                  "set_intersection() expects a list of lists of strings");
  EXPECT_ERROR_AT(o, "rules[5].measurements[0]", "only playerId");
}

TEST(RuleSetParser, ComparisonWithoutReferenceAllowsOnlyEqualOrNotEqual) {
  auto o = parse_rule_set(with_rules(R"j(
    {"name": "a", "type": "comparison", "operation": "<",
     "measurements": ["flatten(teams[*].players.attributes[skill])"]})j"));
  EXPECT_ERROR_AT(o, "rules[0].operation", "only \"=\"");
  valid_rule_set(with_rules(R"j(
    {"name": "a", "type": "comparison", "operation": "!=",
     "measurements": ["flatten(teams[*].players.attributes[mode])"]})j"));
}

TEST(RuleSetParser, CompoundRestrictions) {
  auto o = parse_rule_set(with_rules(R"j(
    {"name": "b", "type": "batchDistance", "batchAttribute": "skill", "maxDistance": 5},
    {"name": "c", "type": "compound", "statement": "and(b, later)"},
    {"name": "later", "type": "latency", "maxLatency": 50},
    {"name": "d", "type": "compound", "statement": "or(later)"},
    {"name": "e", "type": "compound", "statement": "nand(later, later)"},
    {"name": "f", "type": "compound", "statement": "not(later, later)"})j"));
  EXPECT_ERROR_AT(o, "rules[1].statement", "batchDistance");
  EXPECT_ERROR_AT(o, "rules[3].statement", "at least two");
  EXPECT_ERROR_AT(o, "rules[4].statement", "unknown operator \"nand\"");
  EXPECT_ERROR_AT(o, "rules[5].statement", "one argument");
  auto order = parse_rule_set(with_rules(R"j(
    {"name": "c", "type": "compound", "statement": "and(x, y)"},
    {"name": "x", "type": "latency", "maxLatency": 50},
    {"name": "y", "type": "latency", "maxLatency": 60})j"));
  EXPECT_ERROR_AT(order, "rules[0].statement", "defined before");
}

TEST(RuleSetParser, RulesInACompoundAreEnforcedOnlyThroughIt) {
  auto rs = valid_rule_set(with_rules(R"j(
    {"name": "x", "type": "latency", "maxLatency": 50},
    {"name": "y", "type": "latency", "maxLatency": 60},
    {"name": "z", "type": "latency", "maxLatency": 70},
    {"name": "c", "type": "compound", "statement": "or(x, not(y))"})j"));
  EXPECT_FALSE(rs.rules[0].enforced_directly);
  EXPECT_FALSE(rs.rules[1].enforced_directly);
  EXPECT_TRUE(rs.rules[2].enforced_directly);
  EXPECT_TRUE(rs.rules[3].enforced_directly);
  EXPECT_EQ(rs.rules[3].statement.op, Statement::Op::kOr);
  EXPECT_EQ(rs.rules[3].statement.args[1].op, Statement::Op::kNot);
}

TEST(RuleSetParser, LargeMatchRestrictions) {
  auto o = parse_rule_set(R"j({
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "algorithm": {"strategy": "exhaustiveSearch", "batchingPreference": "sorted",
                  "sortByAttributes": ["skill"]},
    "teams": [{"name": "a", "minPlayers": 20, "maxPlayers": 30}, {"name": "b", "minPlayers": 20, "maxPlayers": 30}],
    "rules": [{"name": "l", "type": "latency", "maxLatency": 100, "maxDistance": 20},
              {"name": "c", "type": "comparison", "operation": "=",
               "measurements": ["flatten(teams[*].players.attributes[skill])"]}]
  })j");
  EXPECT_ERROR_AT(o, "algorithm.strategy", "large match");
  EXPECT_ERROR_AT(o, "algorithm.batchingPreference", "largestPopulation");
  EXPECT_ERROR_AT(o, "rules[0].maxDistance", "only maxLatency");
  EXPECT_ERROR_AT(o, "rules[1]", "only batchDistance and latency");
  auto missing = parse_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 41}]})j");
  EXPECT_ERROR_AT(missing, "algorithm", "balanced");
  auto too_big = parse_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 101, "quantity": 2}]})j");
  EXPECT_ERROR_AT(too_big, "teams", "at most 200");
}

TEST(RuleSetParser, AttributeLimitsAndDefaults) {
  std::string attrs;
  for (int i = 0; i < 11; ++i) {
    attrs += fmt::format("{}{{\"name\": \"a{}\", \"type\": \"number\"}}", i ? "," : "", i);
  }
  auto o = parse_rule_set(fmt::format(R"j({{"ruleLanguageVersion": "1.0", "playerAttributes": [{}],
    "teams": [{{"name": "a", "minPlayers": 1, "maxPlayers": 2}}]}})j",
                                      attrs));
  EXPECT_ERROR_AT(o, "playerAttributes", "at most 10");
  auto d = parse_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "modes", "type": "string_list", "default": "ffa"},
                         {"name": "modes", "type": "number"}],
    "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 2}]})j");
  EXPECT_ERROR_AT(d, "playerAttributes[0].default", "expected a list of strings");
  EXPECT_ERROR_AT(d, "playerAttributes[1].name", "declared twice");
}

TEST(RuleSetParser, BodyLimit) {
  std::string body = with_rules(R"j({"name": "a", "type": "latency", "maxLatency": 50})j");
  body.insert(body.size() - 2, std::string(kMaxRuleSetBodyChars, ' '));
  auto o = parse_rule_set(body);
  EXPECT_ERROR_AT(o, "", "at most 65535");
}

TEST(RuleSetParser, ExpansionErrors) {
  auto o = parse_rule_set(with_rules(R"j({"name": "l", "type": "latency", "maxLatency": 50},
    {"name": "c", "type": "collection", "operation": "intersection", "minCount": 1,
     "measurements": ["flatten(teams[*].players.attributes[modes])"]})j",
                                     R"j(, "expansions": [
      {"target": "rules[l].maxLatency", "steps": [{"waitTimeSeconds": 10, "value": 100},
                                                  {"waitTimeSeconds": 5, "value": 200}]},
      {"target": "rules[l].maxDistance", "steps": [{"waitTimeSeconds": 10, "value": 100}]},
      {"target": "rules[c].minCount", "steps": [{"waitTimeSeconds": 10, "value": 0.5}]},
      {"target": "teams[red].minPlayers", "steps": [{"waitTimeSeconds": 10, "value": 5}]},
      {"target": "teams[red].name", "steps": [{"waitTimeSeconds": 10, "value": 1}]},
      {"target": "rules[l].maxLatency", "steps": [{"waitTimeSeconds": 20, "value": 300}]},
      {"target": "players[x]", "steps": []}])j"));
  EXPECT_ERROR_AT(o, "expansions[0].steps[1].waitTimeSeconds", "must increase");
  EXPECT_ERROR_AT(o, "expansions[1].target", "sets no maxDistance");
  EXPECT_ERROR_AT(o, "expansions[2].steps[0].value", "whole number");
  EXPECT_ERROR_AT(o, "expansions[3].steps", "exceed team red's maxPlayers 4");
  EXPECT_ERROR_AT(o, "expansions[4].target", "minPlayers or maxPlayers");
  EXPECT_ERROR_AT(o, "expansions[5].target", "already expanded");
  EXPECT_ERROR_AT(o, "expansions[6].target", "expected \"rules[<rule>].<property>\"");
}

TEST(RuleSetParser, AlgorithmRequirements) {
  auto o = parse_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "mode", "type": "string"}],
    "algorithm": {"batchingPreference": "sorted", "strategy": "balanced",
                  "balancedAttribute": "mode", "expansionAgeSelection": "middle"},
    "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 2}]})j");
  EXPECT_ERROR_AT(o, "algorithm.sortByAttributes", "required with batchingPreference \"sorted\"");
  EXPECT_ERROR_AT(o, "algorithm.balancedAttribute", "has type string; expected number");
  EXPECT_ERROR_AT(o, "algorithm.expansionAgeSelection", "found \"middle\"");
}

TEST(RuleSetParser, DefaultsOfTheAlgorithmBlock) {
  auto rs = valid_rule_set(with_rules(R"j({"name": "l", "type": "latency", "maxLatency": 50})j"));
  EXPECT_EQ(rs.algorithm.strategy, Strategy::kExhaustiveSearch);
  EXPECT_EQ(rs.algorithm.batching_preference, BatchingPreference::kRandom);
  EXPECT_EQ(rs.algorithm.backfill_priority, BackfillPriority::kNormal);
  EXPECT_EQ(rs.algorithm.expansion_age_selection, ExpansionAgeSelection::kNewest);
  EXPECT_EQ(rs.rules[0].distance_reference, DistanceReference::kMin);
  EXPECT_EQ(rs.rules[0].party_aggregation, PartyAggregation::kAvg);
}

// Decisions where the documentation is open (docs/flexmatch.md, "Decisions").

TEST(RuleSetDecisions, NumbersWrittenAsStringsAreReadWithAWarning) {
  auto o = parse_rule_set(with_rules(
      R"j({"name": "b", "type": "batchDistance", "batchAttribute": "skill", "maxDistance": "500"})j"));
  ASSERT_TRUE(o.ok()) << all(o);
  EXPECT_EQ(o.rule_set->rules[0].max_distance->base, 500);
  const Diagnostic* w = find(o, "rules[0].maxDistance");
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(w->is_error());
  EXPECT_NE(w->message.find("number written as a string"), std::string::npos);
}

TEST(RuleSetDecisions, MeasurementsMayBeABareStringWithoutWarning) {
  auto o =
      parse_rule_set(with_rules(R"j({"name": "c", "type": "collection", "operation": "contains",
     "measurements": "flatten(teams[*].players.attributes[modes])", "referenceValue": "ctf",
     "maxCount": 3})j"));
  ASSERT_TRUE(o.ok()) << all(o);
  EXPECT_TRUE(o.diagnostics.empty()) << all(o);
  ASSERT_EQ(o.rule_set->rules[0].measurements.size(), 1u);
  EXPECT_EQ(o.rule_set->rules[0].reference->kind, ReferenceValue::Kind::kString);
  EXPECT_EQ(o.rule_set->rules[0].reference->text, "ctf");
}

TEST(RuleSetDecisions, TeamsWithQuantityAreNumberedFromOneWithAnUnderscore) {
  auto rs = valid_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "trio", "minPlayers": 3, "maxPlayers": 3, "quantity": 3},
              {"name": "solo", "minPlayers": 1, "maxPlayers": 1}],
    "rules": [{"name": "all", "type": "distance", "referenceValue": 10, "maxDistance": 5,
               "measurements": ["avg(teams[trio].players.attributes[skill])"]},
              {"name": "one", "type": "distance", "referenceValue": 10, "maxDistance": 5,
               "measurements": ["avg(teams[trio_2].players.attributes[skill])"]}],
    "expansions": [{"target": "teams[trio].minPlayers",
                    "steps": [{"waitTimeSeconds": 10, "value": 2}]}]})j");
  ASSERT_EQ(rs.teams.size(), 4u);
  EXPECT_EQ(rs.teams[0].name, "trio_1");
  EXPECT_EQ(rs.teams[2].name, "trio_3");
  EXPECT_EQ(rs.teams[2].declared_name, "trio");
  EXPECT_EQ(rs.teams[3].name, "solo");
  EXPECT_EQ(rs.teams[3].copy, 0);
  // The declared name selects every copy, one list per team; a copy's name selects one.
  const Expr& all = rs.rules[0].measurements[0].root.args[0];
  EXPECT_TRUE(all.per_team);
  EXPECT_EQ(all.teams, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(rs.rules[0].measurements[0].root.shape, (Shape{LeafKind::kNumber, 1}));
  const Expr& one = rs.rules[1].measurements[0].root.args[0];
  EXPECT_FALSE(one.per_team);
  EXPECT_EQ(one.teams, (std::vector<int>{1}));
  // An expansion on the declared name reaches every copy.
  for (int t = 0; t < 3; ++t) EXPECT_EQ(rs.min_players(t, 10), 2);
  EXPECT_EQ(rs.min_players(3, 10), 1);
}

TEST(RuleSetDecisions, UnknownKeysAreWarnedNotRefused) {
  auto o = parse_rule_set(with_rules(R"j({"name": "l", "type": "latency", "maxLatency": 50,
                                          "maxLatencyMs": 20})j",
                                     R"j(, "acceptanceRequired": true)j"));
  ASSERT_TRUE(o.ok()) << all(o);
  ASSERT_NE(find(o, "rules[0].maxLatencyMs"), nullptr);
  ASSERT_NE(find(o, "acceptanceRequired"), nullptr);
  EXPECT_FALSE(find(o, "acceptanceRequired")->is_error());
}

TEST(RuleSetDecisions, BlockCommentsAreWarnedLikeLineComments) {
  auto o = parse_rule_set(
      with_rules(R"j(/* fast */ {"name": "l", "type": "latency", "maxLatency": 50})j"));
  ASSERT_TRUE(o.ok()) << all(o);
  ASSERT_EQ(o.warnings().size(), 1u);
  EXPECT_NE(o.warnings()[0].message.find("refuses"), std::string::npos);
}

TEST(RuleSetDecisions, ReferenceValueStringIsAnExpressionOnlyWhenItLooksLikeOne) {
  EXPECT_TRUE(looks_like_expression("avg(teams[*].players.attributes[skill])"));
  EXPECT_TRUE(looks_like_expression(" teams[red].players[playerId]"));
  EXPECT_FALSE(looks_like_expression("Classic"));
  EXPECT_FALSE(looks_like_expression("teams"));
  EXPECT_FALSE(looks_like_expression("average(x)"));
}

TEST(RuleSetDecisions, BalancedOnASmallMatchIsAcceptedWithAWarning) {
  auto o = parse_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "algorithm": {"strategy": "balanced", "balancedAttribute": "skill"},
    "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 5}, {"name": "b", "minPlayers": 1, "maxPlayers": 5}]})j");
  ASSERT_TRUE(o.ok()) << all(o);
  const Diagnostic* w = find(o, "algorithm.strategy");
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(w->is_error());
  EXPECT_NE(w->message.find("documented for large matches"), std::string::npos);
  EXPECT_EQ(o.rule_set->algorithm.batching_preference, BatchingPreference::kLargestPopulation);
  EXPECT_EQ(o.rule_set->algorithm.balanced_attribute, 0);
}

TEST(RuleSetParser, NeverThrowsOnOddDocuments) {
  for (std::string_view body :
       {"", "null", "[]", "\"x\"", "{\"teams\": 5}", "{\"rules\": [1, 2, {}]}",
        "{\"ruleLanguageVersion\":\"1.0\",\"teams\":[{\"name\":\"a\",\"minPlayers\":1,"
        "\"maxPlayers\":2}],\"rules\":[{\"name\":\"c\",\"type\":\"compound\",\"statement\":"
        "\"and(((((\"}]}",
        "{\"ruleLanguageVersion\":\"1.0\",\"teams\":[{\"name\":\"a\",\"minPlayers\":1e300,"
        "\"maxPlayers\":-1}]}"}) {
    auto o = parse_rule_set(body);
    EXPECT_FALSE(o.ok()) << body;
    EXPECT_FALSE(o.errors().empty()) << body;
  }
}

}  // namespace
}  // namespace sapi::flexmatch
