#include "flexmatch/simulator.h"

#include <gtest/gtest.h>

#include "flexmatch/rule_set_parser.h"

namespace sapi::flexmatch {
namespace {

RuleSet parse(std::string_view body) {
  auto outcome = parse_rule_set(body);
  if (!outcome.ok()) {
    for (const auto& d : outcome.diagnostics) ADD_FAILURE() << d.to_string();
  }
  return std::move(*outcome.rule_set);
}

// AWS's worked example of expansions: minPlayers 4 relaxed to 3 at 30 s, 2 at 40 s and 1 at
// 45 s, with the clock of a potential match being the age of its newest ticket.
constexpr std::string_view kWorkedExample = R"({
  "name": "worked-example", "ruleLanguageVersion": "1.0",
  "teams": [{"name": "players", "minPlayers": 4, "maxPlayers": 4}],
  "expansions": [{"target": "teams[players].minPlayers",
                  "steps": [{"waitTimeSeconds": 30, "value": 3},
                            {"waitTimeSeconds": 40, "value": 2},
                            {"waitTimeSeconds": 45, "value": 1}]}]})";

TEST(Simulator, ReproducesTheWorkedExpansionExample) {
  RuleSet rules = parse(kWorkedExample);
  auto arrivals = parse_ticket_lines(
      "{\"at\": 0, \"ticketId\": \"ticket-1\", \"players\": [{\"playerId\": \"player-1\"}]}\n"
      "{\"at\": 10, \"ticketId\": \"ticket-2\", \"players\": [{\"playerId\": \"player-2\"}]}\n");
  ASSERT_TRUE(arrivals.ok());
  auto result = simulate(rules, *arrivals, {});
  EXPECT_TRUE(result.violations.empty());
  ASSERT_EQ(result.matches.size(), 2u);
  EXPECT_EQ(
      match_json_line(result.matches[0]),
      R"({"at":45,"matchId":"match-1","tickets":["ticket-1"],"teams":{"players":["player-1"]}})");
  EXPECT_EQ(
      match_json_line(result.matches[1]),
      R"({"at":55,"matchId":"match-2","tickets":["ticket-2"],"teams":{"players":["player-2"]}})");
  EXPECT_TRUE(result.unmatched.empty());
}

TEST(Simulator, OldestAgeSelectionMatchesThePairEarlier) {
  std::string body(kWorkedExample);
  body.insert(body.find("\"teams\""), R"("algorithm": {"expansionAgeSelection": "oldest"}, )");
  RuleSet rules = parse(body);
  auto arrivals = parse_ticket_lines(
      "{\"at\": 0, \"ticketId\": \"a\", \"players\": [{\"playerId\": \"p1\"}]}\n"
      "{\"at\": 10, \"ticketId\": \"b\", \"players\": [{\"playerId\": \"p2\"}]}\n");
  ASSERT_TRUE(arrivals.ok());
  auto result = simulate(rules, *arrivals, {});
  // By the oldest ticket the pair is 40 s old at 40 s, when minPlayers has become 2.
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_EQ(result.matches[0].at, 40);
  EXPECT_EQ(result.matches[0].ticket_ids, (std::vector<std::string>{"a", "b"}));
}

TEST(Simulator, TicketsThatNeverMatchAreListedWithTheirReason) {
  RuleSet rules = parse(R"({"ruleLanguageVersion": "1.0",
      "playerAttributes": [{"name": "skill", "type": "number"}],
      "teams": [{"name": "a", "minPlayers": 2, "maxPlayers": 2}]})");
  auto arrivals = parse_ticket_lines(
      "{\"at\": 0, \"ticketId\": \"x\", \"players\": [{\"playerId\": \"p1\", "
      "\"attributes\": {\"skill\": 3}}]}\n"
      "{\"at\": 1, \"ticketId\": \"y\", \"players\": [{\"playerId\": \"p2\"}]}\n");
  ASSERT_TRUE(arrivals.ok());
  SimulationOptions options;
  options.horizon_seconds = 5;
  auto result = simulate(rules, *arrivals, options);
  EXPECT_TRUE(result.matches.empty());
  ASSERT_EQ(result.unmatched.size(), 2u);
  EXPECT_EQ(result.unmatched[0].ticket_id, "x");
  EXPECT_TRUE(result.unmatched[0].reason.empty());
  EXPECT_NE(result.unmatched[1].reason.find("skill"), std::string::npos);
  EXPECT_EQ(unmatched_json_line(result.unmatched[0]),
            R"({"ticketId":"x","arrivedAt":0,"matched":false})");
  EXPECT_EQ(result.ended_at, 6);
  EXPECT_EQ(unmatched_json_line({"z", 117.92, "no \"skill\""}),
            R"j({"ticketId":"z","arrivedAt":117.92,"matched":false,"reason":"no \"skill\""})j");
}

TEST(Simulator, BadAttributesAreRejectedWithTheirPath) {
  RuleSet rules = parse(R"({"ruleLanguageVersion": "1.0",
      "playerAttributes": [{"name": "skill", "type": "number"}],
      "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 2}]})");
  TicketArrival a;
  a.ticket_id = "t";
  a.players.push_back({"p", boost::json::object{{"skill", "high"}}, {}});
  auto t = ticket_from_arrival(rules, a, {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("ticket t: player p: attribute skill"), std::string::npos);
}

}  // namespace
}  // namespace sapi::flexmatch
