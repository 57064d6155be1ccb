#include "flexmatch/matchmaker.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>

#include "flexmatch/checker.h"
#include "flexmatch/rule_set_parser.h"

namespace sapi::flexmatch {
namespace {

const Clock::TimePoint kStart = Clock::TimePoint(std::chrono::seconds(1767225600));

Clock::TimePoint at(double s) {
  return kStart + std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

RuleSet parse(std::string_view body) {
  auto outcome = parse_rule_set(body);
  for (const auto& d : outcome.diagnostics) {
    if (d.is_error()) ADD_FAILURE() << d.to_string();
  }
  return std::move(*outcome.rule_set);
}

struct P {
  std::string id;
  double skill = 0;
  std::vector<RegionLatency> latency = {};
  std::optional<int> team = std::nullopt;
};

Ticket ticket(const RuleSet& rules, std::string id, double submitted_s, std::vector<P> players,
              bool backfill = false) {
  Ticket t;
  t.id = std::move(id);
  t.submitted = at(submitted_s);
  t.backfill = backfill;
  for (auto& p : players) {
    Player pl;
    pl.id = p.id;
    for (const auto& decl : rules.attributes) {
      pl.attributes.push_back(decl.type == AttributeType::kNumber ? AttributeValue::number(p.skill)
                                                                  : decl.default_value);
    }
    pl.latencies = p.latency;
    pl.team = p.team;
    t.players.push_back(std::move(pl));
  }
  return t;
}

std::vector<std::string> ids(const Match& m) {
  std::vector<std::string> out;
  for (const auto& t : m.tickets) out.push_back(t.id);
  return out;
}

void expect_valid(const RuleSet& rules, const CycleResult& r, Clock::TimePoint now) {
  for (const auto& m : r.matches) {
    auto report = check_match(rules, m.view(), now);
    EXPECT_TRUE(report.ok()) << m.match_id << ": " << report.to_string();
  }
}

constexpr std::string_view kTwoVsTwo = R"j({"ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number"}],
  "teams": [{"name": "red", "minPlayers": 2, "maxPlayers": 2},
            {"name": "blue", "minPlayers": 2, "maxPlayers": 2}]})j";

TEST(Matchmaker, FillsEqualTeamsRoundRobin) {
  RuleSet rules = parse(kTwoVsTwo);
  auto mm = Matchmaker::create(rules);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        mm->add(ticket(rules, fmt::format("t{}", i), i, {{fmt::format("p{}", i), 1}})).ok());
  }
  auto r = mm->run_cycle(at(10));
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].ticket_teams, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(r.waiting, 0u);
  expect_valid(rules, r, at(10));
}

TEST(Matchmaker, RefusesDuplicateAndOversizedTickets) {
  RuleSet rules = parse(kTwoVsTwo);
  auto mm = Matchmaker::create(rules);
  ASSERT_TRUE(mm->add(ticket(rules, "a", 0, {{"p", 1}})).ok());
  EXPECT_EQ(mm->add(ticket(rules, "a", 0, {{"q", 1}})).code(), Code::kAlreadyExists);
  std::vector<P> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back({fmt::format("x{}", i), 1});
  EXPECT_FALSE(mm->add(ticket(rules, "big", 0, eleven)).ok());
  EXPECT_TRUE(mm->cancel("a"));
  EXPECT_FALSE(mm->cancel("a"));
  EXPECT_EQ(mm->waiting(), 0u);
}

TEST(Matchmaker, DistanceSortPicksTheClosestSkillsAroundTheOldestTicket) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "all", "minPlayers": 3, "maxPlayers": 3}],
    "rules": [{"name": "close", "type": "distanceSort", "sortAttribute": "skill"}]})j");
  auto mm = Matchmaker::create(rules);
  ASSERT_TRUE(mm->add(ticket(rules, "anchor", 0, {{"a", 100}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "far", 1, {{"b", 900}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "near1", 2, {{"c", 110}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "mid", 3, {{"d", 500}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "near2", 4, {{"e", 95}})).ok());
  auto r = mm->run_cycle(at(5));
  ASSERT_GE(r.matches.size(), 1u);
  EXPECT_EQ(ids(r.matches[0]), (std::vector<std::string>{"anchor", "near2", "near1"}));
  EXPECT_EQ(r.waiting, 2u);
}

TEST(Matchmaker, AbsoluteSortOrdersCandidatesByValue) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "all", "minPlayers": 2, "maxPlayers": 2}],
    "rules": [{"name": "best", "type": "absoluteSort", "sortAttribute": "skill",
               "sortDirection": "descending"}]})j");
  auto mm = Matchmaker::create(rules);
  ASSERT_TRUE(mm->add(ticket(rules, "anchor", 0, {{"a", 1}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "low", 1, {{"b", 5}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "high", 2, {{"c", 50}})).ok());
  auto r = mm->run_cycle(at(5));
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(ids(r.matches[0]), (std::vector<std::string>{"anchor", "high"}));
}

TEST(Matchmaker, PartiesStayWholeOnOneTeam) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "red", "minPlayers": 3, "maxPlayers": 3},
              {"name": "blue", "minPlayers": 3, "maxPlayers": 3}]})j");
  auto mm = Matchmaker::create(rules);
  ASSERT_TRUE(mm->add(ticket(rules, "duo", 0, {{"a", 1}, {"b", 1}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "trio", 1, {{"c", 1}, {"d", 1}, {"e", 1}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "solo", 2, {{"f", 1}})).ok());
  auto r = mm->run_cycle(at(5));
  ASSERT_EQ(r.matches.size(), 1u);
  auto teams = r.matches[0].team_player_ids(rules);
  EXPECT_EQ(teams[0].size(), 3u);
  EXPECT_EQ(teams[1].size(), 3u);
  expect_valid(rules, r, at(5));
}

TEST(Matchmaker, CountRulesAreJudgedOnTheCompleteMatch) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 3},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 3}],
    "rules": [{"name": "EqualTeamSizes", "type": "comparison",
               "measurements": ["count(teams[red].players)"],
               "referenceValue": "count(teams[blue].players)", "operation": "="}]})j");
  auto mm = Matchmaker::create(rules);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        mm->add(ticket(rules, fmt::format("t{}", i), i, {{fmt::format("p{}", i), 1}})).ok());
  }
  auto r = mm->run_cycle(at(10));
  ASSERT_EQ(r.matches.size(), 1u);
  auto teams = r.matches[0].team_player_ids(rules);
  EXPECT_EQ(teams[0].size(), 2u);
  EXPECT_EQ(teams[1].size(), 2u);
  EXPECT_EQ(r.waiting, 1u);
  expect_valid(rules, r, at(10));
}

TEST(Matchmaker, BatchDistanceKeepsFarApartTicketsApart) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "all", "minPlayers": 2, "maxPlayers": 2}],
    "rules": [{"name": "tiers", "type": "batchDistance", "batchAttribute": "skill",
               "maxDistance": 5}]})j");
  auto mm = Matchmaker::create(rules);
  ASSERT_TRUE(mm->add(ticket(rules, "a", 0, {{"p1", 10}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "b", 1, {{"p2", 100}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "c", 2, {{"p3", 12}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "d", 3, {{"p4", 103}})).ok());
  auto r = mm->run_cycle(at(5));
  ASSERT_EQ(r.matches.size(), 2u);
  std::set<std::vector<std::string>> got;
  for (const auto& m : r.matches) {
    auto v = ids(m);
    std::sort(v.begin(), v.end());
    got.insert(v);
  }
  EXPECT_EQ(got, (std::set<std::vector<std::string>>{{"a", "c"}, {"b", "d"}}));
  expect_valid(rules, r, at(5));
}

TEST(Matchmaker, BackfillNeverAloneNeverTwo) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "algorithm": {"backfillPriority": "high"},
    "teams": [{"name": "red", "minPlayers": 2, "maxPlayers": 2},
              {"name": "blue", "minPlayers": 2, "maxPlayers": 2}]})j");
  auto mm = Matchmaker::create(rules);
  // Two running games, each short of one player on blue.
  ASSERT_TRUE(
      mm->add(ticket(rules, "bf1", 5, {{"a", 1, {}, 0}, {"b", 1, {}, 0}, {"c", 1, {}, 1}}, true))
          .ok());
  ASSERT_TRUE(
      mm->add(ticket(rules, "bf2", 6, {{"d", 1, {}, 0}, {"e", 1, {}, 0}, {"f", 1, {}, 1}}, true))
          .ok());
  auto alone = mm->run_cycle(at(10));
  EXPECT_TRUE(alone.matches.empty());
  ASSERT_TRUE(mm->add(ticket(rules, "new", 0, {{"g", 1}})).ok());
  auto r = mm->run_cycle(at(11));
  ASSERT_EQ(r.matches.size(), 1u);
  int backfills = 0;
  for (const auto& t : r.matches[0].tickets) backfills += t.backfill;
  EXPECT_EQ(backfills, 1);
  // High priority: the backfill tickets anchor before the older new ticket.
  EXPECT_EQ(r.matches[0].tickets[0].id, "bf1");
  expect_valid(rules, r, at(11));
}

TEST(Matchmaker, LatencyRuleNeedsACommonRegionAndLatencyData) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "all", "minPlayers": 2, "maxPlayers": 2}],
    "rules": [{"name": "fast", "type": "latency", "maxLatency": 50}]})j");
  auto mm = Matchmaker::create(rules);
  ASSERT_TRUE(mm->add(ticket(rules, "eu", 0, {{"a", 1, {{"eu", 20}, {"us", 120}}}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "us", 1, {{"b", 1, {{"eu", 130}, {"us", 20}}}})).ok());
  ASSERT_TRUE(mm->add(ticket(rules, "none", 2, {{"c", 1}})).ok());
  mm->trace("eu");
  mm->trace("none");
  auto r = mm->run_cycle(at(5));
  EXPECT_TRUE(r.matches.empty());
  auto trace = mm->trace_of("eu");
  ASSERT_TRUE(trace.has_value());
  ASSERT_FALSE(trace->rules.empty());
  EXPECT_EQ(trace->rules[0].rule, "fast");
  EXPECT_GE(trace->rules[0].failed, 1u);
  EXPECT_EQ(trace->rules[0].against[0], "us");
  EXPECT_NE(trace->to_string().find("fast"), std::string::npos);
  EXPECT_NE(mm->trace_of("none")->unmatchable.find("latency"), std::string::npos);
  auto metrics = mm->rule_metrics();
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_GE(metrics[0].failed, 1u);
  ASSERT_TRUE(mm->add(ticket(rules, "eu2", 3, {{"d", 1, {{"eu", 40}}}})).ok());
  auto r2 = mm->run_cycle(at(6));
  ASSERT_EQ(r2.matches.size(), 1u);
  EXPECT_EQ(ids(r2.matches[0]), (std::vector<std::string>{"eu", "eu2"}));
  EXPECT_TRUE(mm->trace_of("eu")->matched);
}

TEST(Matchmaker, BalancedSplitsSkillEvenly) {
  RuleSet rules = parse(R"j({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "algorithm": {"strategy": "balanced", "balancedAttribute": "skill",
                  "batchingPreference": "largestPopulation"},
    "teams": [{"name": "red", "minPlayers": 25, "maxPlayers": 25},
              {"name": "blue", "minPlayers": 25, "maxPlayers": 25}]})j");
  auto mm = Matchmaker::create(rules);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(mm->add(ticket(rules, fmt::format("t{}", i), i * 0.1,
                               {{fmt::format("p{}", i), static_cast<double>(i * 10)}}))
                    .ok());
  }
  auto r = mm->run_cycle(at(10));
  ASSERT_EQ(r.matches.size(), 1u);
  double sum[2] = {0, 0};
  const auto& m = r.matches[0];
  for (size_t i = 0; i < m.tickets.size(); ++i) {
    sum[m.ticket_teams[i]] += m.tickets[i].players[0].attributes[0].as_number();
  }
  EXPECT_LT(std::abs(sum[0] - sum[1]) / 25, 10.0);
  expect_valid(rules, r, at(10));
}

// Property: on random rule sets of a small family and random tickets, every formed match
// passes the independent checker, no ticket is in two matches, none is lost, and the
// incremental rule evaluation forms exactly the matches that full evaluation forms.
TEST(MatchmakerProperty, RandomRuleSetsAndTickets) {
  std::mt19937_64 rng(42);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int round = 0; round < 60; ++round) {
    int teams = pick(1, 3), max_players = pick(1, 4), min_players = pick(1, max_players);
    std::string body = R"j({"ruleLanguageVersion": "1.0",
      "playerAttributes": [{"name": "skill", "type": "number"}],)j";
    const char* batching[] = {"random", "sorted"};
    body +=
        fmt::format(R"j("algorithm": {{"batchingPreference": "{}", "sortByAttributes": ["skill"],
      "expansionAgeSelection": "{}"}}, "teams": [)j",
                    batching[pick(0, 1)], pick(0, 1) ? "newest" : "oldest");
    for (int t = 0; t < teams; ++t) {
      body += fmt::format(R"j({}{{"name": "t{}", "minPlayers": {}, "maxPlayers": {}}})j",
                          t ? "," : "", t, min_players, max_players);
    }
    body += R"j(], "rules": [)j";
    std::vector<std::string> rules_json;
    if (pick(0, 1)) {
      rules_json.push_back(fmt::format(
          R"j({{"name": "spread", "type": "distance",
              "measurements": ["flatten(teams[*].players.attributes[skill])"],
              "referenceValue": "avg(flatten(teams[*].players.attributes[skill]))",
              "maxDistance": {}}})j",
          pick(5, 60)));
    }
    if (pick(0, 1)) {
      rules_json.push_back(fmt::format(
          R"j({{"name": "fast", "type": "latency", "maxLatency": {}}})j", pick(30, 120)));
    }
    if (pick(0, 1)) {
      rules_json.push_back(
          R"j({"name": "close", "type": "distanceSort", "sortAttribute": "skill"})j");
    }
    if (pick(0, 2) == 0) {
      rules_json.push_back(R"j({"name": "cap", "type": "comparison",
          "measurements": ["max(flatten(teams[*].players.attributes[skill]))"],
          "referenceValue": 150, "operation": "<="})j");
    }
    for (size_t i = 0; i < rules_json.size(); ++i) body += (i ? "," : "") + rules_json[i];
    body += "]";
    if (pick(0, 1) && min_players > 1) {
      body += fmt::format(R"j(, "expansions": [{{"target": "teams[t0].minPlayers",
          "steps": [{{"waitTimeSeconds": 5, "value": {}}}]}}])j",
                          min_players - 1);
    }
    body += "}";
    RuleSet rules = parse(body);
    MatchmakerOptions fast, full;
    fast.max_batch_tickets = full.max_batch_tickets = static_cast<size_t>(pick(4, 64));
    full.incremental_rules = false;
    auto a = Matchmaker::create(rules, fast);
    auto b = Matchmaker::create(rules, full);
    int n = pick(5, 80);
    std::set<std::string> all;
    for (int i = 0; i < n; ++i) {
      std::vector<P> players;
      int size = pick(1, std::min(3, max_players));
      for (int k = 0; k < size; ++k) {
        players.push_back({fmt::format("p{}-{}", i, k),
                           static_cast<double>(pick(0, 200)),
                           {{"eu", pick(10, 150)}, {"us", pick(10, 150)}}});
      }
      Ticket t = ticket(rules, fmt::format("t{}", i), pick(0, 20), players);
      all.insert(t.id);
      ASSERT_TRUE(a->add(t).ok());
      ASSERT_TRUE(b->add(std::move(t)).ok());
    }
    std::set<std::string> matched;
    for (int c = 0; c < 4; ++c) {
      auto now = at(20 + c * 3);
      auto ra = a->run_cycle(now);
      auto rb = b->run_cycle(now);
      expect_valid(rules, ra, now);
      ASSERT_EQ(ra.matches.size(), rb.matches.size()) << body;
      for (size_t i = 0; i < ra.matches.size(); ++i) {
        EXPECT_EQ(ids(ra.matches[i]), ids(rb.matches[i])) << body;
        EXPECT_EQ(ra.matches[i].ticket_teams, rb.matches[i].ticket_teams) << body;
        for (const auto& t : ra.matches[i].tickets) {
          EXPECT_TRUE(matched.insert(t.id).second) << t.id << " in two matches";
        }
      }
    }
    std::set<std::string> accounted = matched;
    for (const auto& id : a->waiting_ticket_ids()) {
      EXPECT_TRUE(accounted.insert(id).second) << id << " both matched and waiting";
    }
    EXPECT_EQ(accounted, all) << "a ticket was lost";
  }
}

}  // namespace
}  // namespace sapi::flexmatch
