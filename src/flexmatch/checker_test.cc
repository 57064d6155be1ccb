// The independent checker on formed matches: structure, team sizes with expansions, rules.

#include "flexmatch/checker.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "flexmatch/test_support.h"

namespace sapi::flexmatch {
namespace {

using std::chrono::seconds;
using testing::player;
using testing::valid_rule_set;

const Clock::TimePoint kT0{};

Ticket ticket(std::string id, std::vector<Player> players, int submitted_s = 0) {
  Ticket t;
  t.id = std::move(id);
  t.players = std::move(players);
  t.submitted = kT0 + seconds(submitted_s);
  return t;
}

bool has(const CheckReport& r, std::string_view text) {
  return r.to_string().find(text) != std::string::npos;
}

// AWS's worked example (docs/flexmatch.md "Expansions"): minPlayers 4 relaxed to 3 at 30 s,
// 2 at 40 s and 1 at 45 s, measured on the newest ticket of the potential match.
constexpr std::string_view kWorkedExample = R"j({
  "ruleLanguageVersion": "1.0",
  "teams": [{"name": "players", "minPlayers": 4, "maxPlayers": 4}],
  "expansions": [{"target": "teams[players].minPlayers", "steps": [
    {"waitTimeSeconds": 30, "value": 3}, {"waitTimeSeconds": 40, "value": 2},
    {"waitTimeSeconds": 45, "value": 1}]}]})j";

TEST(WorkedExample, ThePairFailsAt45SecondsButPlayerOneAloneMatches) {
  auto rs = valid_rule_set(kWorkedExample);
  auto p1 = ticket("p1", {player(rs, R"j({"playerId": "1"})j")}, 0);
  auto p2 = ticket("p2", {player(rs, R"j({"playerId": "2"})j")}, 10);
  const auto at45 = kT0 + seconds(45);
  auto pair = check_match(rs, {{&p1, &p2}, {0, 0}}, at45);
  EXPECT_FALSE(pair.ok());
  EXPECT_EQ(pair.expansion_age, 35);
  EXPECT_TRUE(
      has(pair, "team players has 2 players, fewer than minPlayers 3 at expansion age 35 s"))
      << pair.to_string();
  EXPECT_TRUE(check_match(rs, {{&p1}, {0}}, at45).ok());
  // Player 2 alone: not at 54 s (44 s old, minPlayers 2), but at 55 s.
  EXPECT_FALSE(check_match(rs, {{&p2}, {0}}, kT0 + seconds(54)).ok());
  EXPECT_TRUE(check_match(rs, {{&p2}, {0}}, kT0 + seconds(55)).ok());
}

TEST(WorkedExample, OldestAgeSelectionUsesTheOldestTicket) {
  std::string body(kWorkedExample);
  body.insert(body.find("\"teams\""), R"j("algorithm": {"expansionAgeSelection": "oldest"}, )j");
  auto rs = valid_rule_set(body);
  auto p1 = ticket("p1", {player(rs, R"j({"playerId": "1"})j")}, 0);
  auto p2 = ticket("p2", {player(rs, R"j({"playerId": "2"})j")}, 10);
  auto pair = check_match(rs, {{&p1, &p2}, {0, 0}}, kT0 + seconds(40));
  EXPECT_EQ(pair.expansion_age, 40);
  EXPECT_TRUE(pair.ok()) << pair.to_string();
}

constexpr std::string_view kTwoTeams = R"j({
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number"}],
  "teams": [{"name": "red", "minPlayers": 2, "maxPlayers": 3},
            {"name": "blue", "minPlayers": 2, "maxPlayers": 3}],
  "rules": [{"name": "FairTeamSkill", "type": "distance", "maxDistance": 10,
             "measurements": ["avg(teams[*].players.attributes[skill])"],
             "referenceValue": "avg(flatten(teams[*].players.attributes[skill]))"},
            {"name": "EqualTeamSizes", "type": "comparison", "operation": "=",
             "measurements": ["count(teams[red].players)"],
             "referenceValue": "count(teams[blue].players)"}]})j";

struct TwoTeams : ::testing::Test {
  RuleSet rs = valid_rule_set(kTwoTeams);
  Player p(std::string id, double skill) {
    return player(
        rs, fmt::format(R"j({{"playerId": "{}", "attributes": {{"skill": {}}}}})j", id, skill));
  }
};

TEST_F(TwoTeams, AFairMatchPasses) {
  auto a = ticket("a", {p("a1", 10), p("a2", 12)});  // a party of two
  auto b = ticket("b", {p("b1", 11)});
  auto c = ticket("c", {p("c1", 13)});
  auto r = check_match(rs, {{&a, &b, &c}, {0, 1, 1}}, kT0);
  EXPECT_TRUE(r.ok()) << r.to_string();
}

TEST_F(TwoTeams, NamesTheFailingRuleAndWhy) {
  auto a = ticket("a", {p("a1", 10), p("a2", 10)});
  auto b = ticket("b", {p("b1", 50), p("b2", 50)});
  auto r = check_match(rs, {{&a, &b}, {0, 1}}, kT0);
  ASSERT_EQ(r.violations.size(), 1u) << r.to_string();
  EXPECT_EQ(r.violations[0].rule, "FairTeamSkill");
  EXPECT_NE(r.violations[0].reason.find("maxDistance is 10"), std::string::npos);
}

TEST_F(TwoTeams, TeamSizesWithinMinAndMax) {
  auto a = ticket("a", {p("a1", 10), p("a2", 10), p("a3", 10), p("a4", 10)});
  auto b = ticket("b", {p("b1", 10)});
  auto r = check_match(rs, {{&a, &b}, {0, 1}}, kT0);
  EXPECT_TRUE(has(r, "team red has 4 players, more than maxPlayers 3")) << r.to_string();
  EXPECT_TRUE(has(r, "team blue has 1 players, fewer than minPlayers 2")) << r.to_string();
  EXPECT_TRUE(has(r, "rule EqualTeamSizes")) << r.to_string();
}

TEST_F(TwoTeams, NoTicketOrPlayerTwice) {
  auto a = ticket("a", {p("a1", 10), p("a2", 10)});
  auto b = ticket("b", {p("a1", 10), p("b2", 10)});
  auto r = check_match(rs, {{&a, &a, &b}, {0, 1, 1}}, kT0);
  EXPECT_TRUE(has(r, "ticket a appears twice")) << r.to_string();
  EXPECT_TRUE(has(r, "player a1 appears twice")) << r.to_string();
}

TEST_F(TwoTeams, PlayersMustBeMatchableAndPartiesAtMostTen) {
  auto a = ticket("a", {p("a1", 10), p("a2", 10)});
  Player missing = new_player(rs, "b1");  // no skill, no default
  auto b = ticket("b", {missing, p("b2", 10)});
  auto r = check_match(rs, {{&a, &b}, {0, 1}}, kT0);
  EXPECT_TRUE(has(r, "player b1 has no value for attribute skill")) << r.to_string();
  std::vector<Player> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(p(fmt::format("x{}", i), 10));
  auto big = ticket("big", eleven);
  EXPECT_TRUE(has(check_match(rs, {{&big, &a}, {0, 1}}, kT0), "a party holds at most 10"));
}

TEST_F(TwoTeams, TeamIndicesMustExistAndRequestedTeamsBeHonoured) {
  auto a = ticket("a", {p("a1", 10), p("a2", 10)});
  auto b = ticket("b", {p("b1", 10), p("b2", 10)});
  EXPECT_TRUE(has(check_match(rs, {{&a, &b}, {0, 2}}, kT0), "team #2, which does not exist"));
  b.players[0].team = 0;
  EXPECT_TRUE(has(check_match(rs, {{&a, &b}, {0, 1}}, kT0), "player b1 asked for team red"));
  EXPECT_TRUE(has(check_match(rs, {{&a}, {}}, kT0), "1 tickets but 0 team assignments"));
  EXPECT_TRUE(has(check_match(rs, {}, kT0), "no tickets"));
}

TEST_F(TwoTeams, BackfillTicketsKeepTheirTeamsNeverPairAndNeverMatchAlone) {
  auto game = ticket("game", {p("g1", 10), p("g2", 10), p("g3", 10)});
  game.backfill = true;
  game.players[0].team = 0;
  game.players[1].team = 0;
  game.players[2].team = 1;
  auto newcomer = ticket("n", {p("n1", 10)});
  auto r = check_match(rs, {{&game, &newcomer}, {-1, 1}}, kT0);
  EXPECT_TRUE(r.ok()) << r.to_string();
  EXPECT_TRUE(has(check_match(rs, {{&game}, {-1}}, kT0), "never matches alone"));
  auto other = game;
  other.id = "game2";
  for (auto& pl : other.players) pl.id += "x";
  EXPECT_TRUE(has(check_match(rs, {{&game, &other}, {-1, -1}}, kT0), "2 backfill tickets"));
  game.players[2].team.reset();
  EXPECT_TRUE(has(check_match(rs, {{&game, &newcomer}, {-1, 1}}, kT0), "has no valid team"));
}

TEST(CheckerCompound, ACompoundHoldsEvenWhenARuleItReferencesFails) {
  auto rs = valid_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "map", "type": "string"}, {"name": "skill", "type": "number"}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2}],
    "rules": [{"name": "SameMap", "type": "comparison", "operation": "=",
               "measurements": ["flatten(teams[*].players.attributes[map])"]},
              {"name": "Close", "type": "distance", "maxDistance": 5,
               "measurements": ["max(flatten(teams[*].players.attributes[skill]))"],
               "referenceValue": "min(flatten(teams[*].players.attributes[skill]))"},
              {"name": "Either", "type": "compound", "statement": "or(SameMap, Close)"}]})j");
  auto a =
      ticket("a", {player(rs, R"j({"playerId": "a", "attributes": {"map": "x", "skill": 1}})j")});
  auto b =
      ticket("b", {player(rs, R"j({"playerId": "b", "attributes": {"map": "y", "skill": 3}})j")});
  EXPECT_TRUE(check_match(rs, {{&a, &b}, {0, 0}}, kT0).ok());
  b.players[0].attributes[1] = AttributeValue::number(30);
  auto r = check_match(rs, {{&a, &b}, {0, 0}}, kT0);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].rule, "Either");
}

// Property: on random 5v5 matches the checker's verdict on FairTeamSkill agrees with a
// direct computation, and any duplicated ticket is caught.
TEST(CheckerProperties, AgreesWithADirectComputationOnRandomMatches) {
  auto rs = valid_rule_set(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "red", "minPlayers": 5, "maxPlayers": 5},
              {"name": "blue", "minPlayers": 5, "maxPlayers": 5}],
    "rules": [{"name": "FairTeamSkill", "type": "distance", "maxDistance": 3,
               "measurements": ["avg(teams[*].players.attributes[skill])"],
               "referenceValue": "avg(flatten(teams[*].players.attributes[skill]))"}]})j");
  std::mt19937 rng(1234);
  std::normal_distribution<double> skill(50, 12);
  int passes = 0;
  for (int round = 0; round < 500; ++round) {
    std::vector<Ticket> tickets;
    for (int i = 0; i < 10; ++i) {
      Player pl = new_player(rs, fmt::format("p{}", i));
      pl.attributes[0] = AttributeValue::number(std::round(skill(rng)));
      tickets.push_back(ticket(fmt::format("t{}", i), {pl}));
    }
    FormedMatch m;
    double sums[2] = {0, 0};
    for (int i = 0; i < 10; ++i) {
      m.tickets.push_back(&tickets[i]);
      m.ticket_teams.push_back(i % 2);
      sums[i % 2] += tickets[i].players[0].attributes[0].as_number();
    }
    const double overall = (sums[0] + sums[1]) / 10;
    const bool expected =
        std::fabs(sums[0] / 5 - overall) <= 3 && std::fabs(sums[1] / 5 - overall) <= 3;
    auto r = check_match(rs, m, kT0);
    EXPECT_EQ(r.ok(), expected) << r.to_string();
    passes += expected;
    m.tickets.push_back(m.tickets[round % 10]);
    m.ticket_teams.push_back(0);
    EXPECT_FALSE(check_match(rs, m, kT0).ok());
  }
  // Both outcomes occur, so the property is exercised in both directions.
  EXPECT_GT(passes, 50);
  EXPECT_LT(passes, 450);
}

}  // namespace
}  // namespace sapi::flexmatch
