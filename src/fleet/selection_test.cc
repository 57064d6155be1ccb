// The choice of a game server: which servers qualify, which one wins, and why none does.

#include "fleet/selection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace sapi::fleet {
namespace {

using matchmaking::PlacementPlayer;

PlacementPlayer player(std::vector<flexmatch::RegionLatency> latencies = {}) {
  static int n = 0;
  PlacementPlayer p;
  p.player_id = "p" + std::to_string(++n);
  p.latencies = std::move(latencies);
  return p;
}

std::vector<PlacementPlayer> players(int n, std::vector<flexmatch::RegionLatency> latencies = {}) {
  std::vector<PlacementPlayer> out;
  for (int i = 0; i < n; ++i) out.push_back(player(latencies));
  return out;
}

QueueConfig any_location() { return QueueConfig{"q", 60, {}, {}}; }

Selection choose(const QueueConfig& q, const std::vector<Candidate>& c,
                 const std::vector<PlacementPlayer>& p, double age = 0) {
  return choose_server(q, c, p, age);
}

TEST(ChooseServer, TakesAHealthyServerWithAFreeSlotPerPlayer) {
  std::vector<Candidate> c = {{"full", "eu-west-1", 10, 8, true},
                              {"sick", "eu-west-1", 10, 0, false},
                              {"ok", "eu-west-1", 10, 7, true}};
  Selection s = choose(any_location(), c, players(3));
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen) << s.reason;
  EXPECT_EQ(c[s.index].id, "ok");
}

TEST(ChooseServer, OnlyInTheQueuesLocations) {
  QueueConfig q{"q", 60, {"us-east-1"}, {}};
  std::vector<Candidate> c = {{"eu", "eu-west-1", 10, 0, true}, {"us", "us-east-1", 10, 5, true}};
  Selection s = choose(q, c, players(2));
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[s.index].id, "us");
}

TEST(ChooseServer, PrefersTheLowestAverageLatency) {
  auto p = players(1, {{"eu-west-1", 60}, {"us-east-1", 20}});
  p.push_back(player({{"eu-west-1", 10}, {"us-east-1", 40}}));  // averages: eu 35, us 30
  std::vector<Candidate> c = {{"eu", "eu-west-1", 10, 0, true}, {"us", "us-east-1", 10, 0, true}};
  Selection s = choose(any_location(), c, p);
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[s.index].id, "us");
}

TEST(ChooseServer, ThenTheOrderOfTheQueuesLocations) {
  QueueConfig q{"q", 60, {"us-east-1", "eu-west-1"}, {}};
  std::vector<Candidate> c = {{"eu", "eu-west-1", 10, 0, true}, {"us", "us-east-1", 10, 0, true}};
  Selection s = choose(q, c, players(2, {{"eu-west-1", 30}, {"us-east-1", 30}}));
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[s.index].id, "us");
}

TEST(ChooseServer, ThenTheFullestServer) {
  std::vector<Candidate> c = {{"empty", "eu-west-1", 10, 0, true},
                              {"fuller", "eu-west-1", 10, 6, true},
                              {"fuller-too", "eu-west-1", 10, 6, true},
                              {"too-full", "eu-west-1", 10, 9, true}};
  Selection s = choose(any_location(), c, players(4));
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[s.index].id, "fuller");  // ties go to the first
}

TEST(ChooseServer, KeepsEveryReportingPlayerWithinTheActiveLimit) {
  QueueConfig q = default_queue();  // 100 ms, 150 ms from 30 s, 200 ms from 90 s
  q.timeout_seconds = 120;
  auto p = players(2, {{"eu-west-1", 20}, {"us-east-1", 40}});
  p.push_back(player({{"eu-west-1", 120}, {"us-east-1", 170}}));
  std::vector<Candidate> c = {{"eu", "eu-west-1", 10, 0, true}, {"us", "us-east-1", 10, 0, true}};

  Selection early = choose(q, c, p, 0);
  EXPECT_EQ(early.outcome, SelectionOutcome::kNoCapacityNow) << early.reason;
  EXPECT_NE(early.reason.find("latency"), std::string::npos) << early.reason;

  Selection later = choose(q, c, p, 30);
  ASSERT_EQ(later.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[later.index].id, "eu");

  // From 90 s on both qualify; eu-west-1 still wins on its average (53 ms against 83 ms).
  Selection last = choose(q, c, p, 100);
  ASSERT_EQ(last.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[last.index].id, "eu");
}

TEST(ChooseServer, PlayersDoNotConstrainLocationsTheyReportNothingFor) {
  QueueConfig q = default_queue();
  auto p = players(1, {{"eu-west-1", 500}});  // nothing reported for us-east-1
  p.push_back(player());                      // no latency data at all
  std::vector<Candidate> c = {{"eu", "eu-west-1", 10, 0, true}, {"us", "us-east-1", 10, 0, true}};
  Selection s = choose(q, c, p);
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen) << s.reason;
  EXPECT_EQ(c[s.index].id, "us");
}

TEST(ChooseServer, AMeasuredLocationBeatsOneNobodyMeasured) {
  auto p = players(2, {{"eu-west-1", 90}});
  std::vector<Candidate> c = {{"us", "us-east-1", 10, 0, true}, {"eu", "eu-west-1", 10, 0, true}};
  Selection s = choose(default_queue(), c, p);
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[s.index].id, "eu");
}

TEST(ChooseServer, WaitsWhenSomeServerCouldTakeTheMatchWereItFree) {
  std::vector<Candidate> c = {{"busy", "eu-west-1", 10, 9, true},
                              {"small", "eu-west-1", 2, 0, true}};
  Selection busy = choose(any_location(), c, players(4));
  EXPECT_EQ(busy.outcome, SelectionOutcome::kNoCapacityNow);
  EXPECT_NE(busy.reason.find("4 free slots"), std::string::npos) << busy.reason;

  std::vector<Candidate> sick = {{"sick", "eu-west-1", 10, 0, false}};
  EXPECT_EQ(choose(any_location(), sick, players(4)).outcome, SelectionOutcome::kNoCapacityNow);
}

TEST(ChooseServer, FailsWhenNoServerCouldEverTakeTheMatch) {
  QueueConfig q{"q", 60, {"eu-west-1", "eu-central-1"}, {}};
  std::vector<Candidate> c = {{"small", "eu-west-1", 4, 0, true},
                              {"elsewhere", "us-east-1", 20, 0, true}};
  Selection s = choose(q, c, players(5));
  EXPECT_EQ(s.outcome, SelectionOutcome::kNeverPossible);
  EXPECT_EQ(s.reason, "no game server can host 5 players in locations eu-west-1, eu-central-1");

  Selection none = choose(any_location(), {}, players(1));
  EXPECT_EQ(none.outcome, SelectionOutcome::kNeverPossible);
  EXPECT_EQ(none.reason, "no game server can host 1 players in any location");
}

TEST(ChooseServer, FailsWhenEveryLocationIsBeyondTheLoosestLimitBeforeTheTimeOut) {
  QueueConfig q = default_queue();  // 60 s: 150 ms is the loosest limit it reaches
  std::vector<Candidate> c = {{"eu", "eu-west-1", 10, 0, true}};
  auto p = players(2, {{"eu-west-1", 180}});
  Selection s = choose(q, c, p);
  EXPECT_EQ(s.outcome, SelectionOutcome::kNeverPossible);
  EXPECT_EQ(s.reason,
            "no game server in any location that can host 2 players is within 150 ms of every "
            "player");

  q.timeout_seconds = 120;  // now 200 ms is reached at 90 s: wait for it
  EXPECT_EQ(choose(q, c, p).outcome, SelectionOutcome::kNoCapacityNow);
  EXPECT_EQ(choose(q, c, p, 95).outcome, SelectionOutcome::kChosen);
}

TEST(ChooseServer, ManyServersInManyLocations) {
  const std::vector<std::string> regions = {"eu-west-1", "eu-central-1", "us-east-1", "us-west-2",
                                            "ap-northeast-1"};
  std::vector<Candidate> c;
  for (int i = 0; i < 1000; ++i) {
    c.push_back({"s", regions[i % regions.size()], 16, (i * 7) % 17, true});
  }
  auto p = players(10, {{"eu-west-1", 90}, {"us-east-1", 30}, {"us-west-2", 80}});
  Selection s = choose(default_queue(), c, p);
  ASSERT_EQ(s.outcome, SelectionOutcome::kChosen);
  EXPECT_EQ(c[s.index].location, "us-east-1");
  // The fullest us-east-1 server that still has 10 free slots.
  for (const auto& other : c) {
    if (other.location == "us-east-1" && other.max_players - other.used_slots >= 10) {
      EXPECT_LE(other.used_slots, c[s.index].used_slots);
    }
  }
}

// The time-out's FAILED-or-TIMED_OUT verdict from each location's largest server agrees with
// the full choice over every server, reason included, over many random fleets and matches.
TEST(NeverPossible, AgreesWithTheFullChoiceOverRandomFleets) {
  const std::vector<std::string> regions = {"eu-west-1", "eu-central-1", "us-east-1", "us-west-2"};
  std::mt19937 rng(11);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int never = 0;
  for (int round = 0; round < 3000; ++round) {
    QueueConfig q = any_location();
    for (const auto& r : regions) {
      if (uniform(0, 2) == 0) q.locations.push_back(r);
    }
    if (uniform(0, 1) == 0) {
      q.latency_policies = {{uniform(20, 80), 10}, {uniform(100, 200), 0}};
      q.timeout_seconds = uniform(0, 1) == 0 ? 5 : 60;  // 5: the second policy never starts
    }
    std::vector<Candidate> c;
    std::vector<LocationSize> sizes;
    for (int i = uniform(0, 12); i > 0; --i) {
      const std::string& where = regions[uniform(0, 3)];
      int max = uniform(1, 12);
      c.push_back({"s", where, max, uniform(0, max), uniform(0, 3) != 0});
      auto at = std::find_if(sizes.begin(), sizes.end(),
                             [&](const LocationSize& l) { return l.location == where; });
      if (at == sizes.end()) {
        sizes.push_back({where, max});
      } else {
        at->largest = std::max(at->largest, max);
      }
    }
    std::vector<PlacementPlayer> p;
    for (int i = uniform(1, 8); i > 0; --i) {
      std::vector<flexmatch::RegionLatency> latencies;
      for (const auto& r : regions) {
        if (uniform(0, 2) != 0) latencies.push_back({r, uniform(10, 250)});
      }
      p.push_back(player(latencies));
    }
    Selection full = choose(q, c, p);
    auto verdict = never_possible(q, sizes, p);
    ASSERT_EQ(verdict.has_value(), full.outcome == SelectionOutcome::kNeverPossible)
        << "round " << round;
    if (verdict) {
      EXPECT_EQ(*verdict, full.reason) << "round " << round;
      ++never;
    }
  }
  EXPECT_GT(never, 300) << "too few rounds exercised the FAILED side";
  EXPECT_LT(never, 2700) << "too few rounds exercised the TIMED_OUT side";
}

}  // namespace
}  // namespace sapi::fleet
