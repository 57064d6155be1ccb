// The fleet as a Placer: waiting for capacity, time-outs, failures, servers that die with a
// placement, abandoned placements and backfill, on a manual clock.

#include <gtest/gtest.h>

#include <map>

#include "fleet/fleet.h"

namespace sapi::fleet {
namespace {

using matchmaking::PlacementOutcome;
using matchmaking::PlacementResult;
using std::chrono::seconds;

constexpr char kKey[] = "AKIAPLACEMENTTEST001";

GameServerSpec server(std::string id, std::string location, int max_players) {
  GameServerSpec s;
  s.game_server_id = std::move(id);
  s.ip_address = "192.0.2.1";
  s.port = 7000;
  s.location = std::move(location);
  s.max_players = max_players;
  return s;
}

class PlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FleetOptions options;
    options.run_threads = false;
    options.heartbeat_timeout = seconds(30);
    options.queue_named = [](const std::string& name) -> std::optional<QueueConfig> {
      if (name == "default") return default_queue();  // 60 s, 100/150/200 ms
      if (name == "eu-only") {
        QueueConfig q;
        q.name = "eu-only";
        q.timeout_seconds = 20;
        q.locations = {"eu-west-1"};
        return q;
      }
      return std::nullopt;
    };
    auto created = Fleet::create(options, nullptr, clock_, nullptr);
    ASSERT_TRUE(created.ok());
    fleet_ = std::move(*created);
  }

  // Starts a placement of `players` (with optional latencies to one region); results land in
  // results_.
  void place(std::string id, std::vector<std::string> players, std::string queue = "default",
             std::string region = "", int ms = 0) {
    matchmaking::PlacementRequest r;
    r.placement_id = std::move(id);
    r.queue = std::move(queue);
    for (auto& p : players) {
      matchmaking::PlacementPlayer player{p, "t-" + p, "red", {}};
      if (!region.empty()) player.latencies.push_back({region, ms});
      r.players.push_back(std::move(player));
    }
    fleet_->place(std::move(r), [this](PlacementResult result) { results_.push_back(result); });
  }

  std::optional<GameSession> next_on(const std::string& server_id) {
    std::optional<GameSession> got;
    fleet_->wait_for_game_session(kKey, server_id, clock_.now(), [&](auto r) {
      if (r.ok()) got = *r;
    });
    return got;
  }

  // Time passes in heartbeat-sized steps with every server alive.
  void pass(seconds total, const std::vector<std::string>& alive) {
    for (seconds step{0}; step < total; step += seconds(5)) {
      clock_.advance(seconds(5));
      for (const auto& id : alive) (void)fleet_->heartbeat(kKey, id, {}, {});
      fleet_->tick();
    }
  }

  ManualClock clock_{Clock::TimePoint(seconds(1'800'000'000))};
  std::unique_ptr<Fleet> fleet_;
  std::vector<PlacementResult> results_;
};

TEST_F(PlacementTest, AMatchWaitsForCapacityAndTakesItWhenAServerRegisters) {
  place("m1", {"a", "b"});
  EXPECT_EQ(fleet_->pending_placements(), 1u);
  ASSERT_TRUE(fleet_->register_server(kKey, server("s1", "eu-west-1", 4), {}).ok());
  auto g = next_on("s1");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->player_sessions.size(), 2u);
  EXPECT_TRUE(results_.empty());
  ASSERT_TRUE(fleet_->activate(kKey, g->game_session_id, {}).ok());
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, PlacementOutcome::kFulfilled);
  EXPECT_EQ(fleet_->pending_placements(), 0u);
}

TEST_F(PlacementTest, AFullServerTakesTheMatchOnceAGameSessionEnds) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("s1", "eu-west-1", 2), {}).ok());
  place("m1", {"a", "b"});
  auto first = next_on("s1");
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(fleet_->activate(kKey, first->game_session_id, {}).ok());
  place("m2", {"c", "d"});
  EXPECT_EQ(fleet_->pending_placements(), 1u);
  ASSERT_TRUE(fleet_->end_game_session(kKey, first->game_session_id, {}).ok());
  auto second = next_on("s1");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->player_sessions[0].player_id, "c");
}

TEST_F(PlacementTest, PlayersGoToTheLocationTheyReachWithinTheLimit) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("us", "us-east-1", 10), {}).ok());
  ASSERT_TRUE(fleet_->register_server(kKey, server("eu", "eu-west-1", 10), {}).ok());
  place("m1", {"a", "b"}, "default", "eu-west-1", 40);
  EXPECT_FALSE(next_on("us").has_value());
  EXPECT_TRUE(next_on("eu").has_value());
}

TEST_F(PlacementTest, TheLatencyLimitRelaxesWithTime) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("eu", "eu-west-1", 10), {}).ok());
  place("m1", {"a"}, "default", "eu-west-1", 140);  // over 100 ms, within 150 ms
  EXPECT_FALSE(next_on("eu").has_value());
  pass(seconds(30), {"eu"});
  EXPECT_TRUE(next_on("eu").has_value());
}

TEST_F(PlacementTest, TimesOutWhenAServerCouldHaveTakenTheMatchWereItFree) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("s1", "eu-west-1", 2), {}).ok());
  place("m1", {"a", "b"});
  ASSERT_TRUE(fleet_->activate(kKey, next_on("s1")->game_session_id, {}).ok());
  results_.clear();
  place("m2", {"c", "d"}, "eu-only");
  pass(seconds(15), {"s1"});
  EXPECT_TRUE(results_.empty());
  pass(seconds(5), {"s1"});
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, PlacementOutcome::kTimedOut);
  EXPECT_EQ(fleet_->pending_placements(), 0u);
}

TEST_F(PlacementTest, FailsWhenNoRegisteredServerCouldEverHostTheMatch) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("small", "eu-west-1", 2), {}).ok());
  ASSERT_TRUE(fleet_->register_server(kKey, server("us", "us-east-1", 10), {}).ok());
  place("m1", {"a", "b", "c"}, "eu-only");
  pass(seconds(20), {"small", "us"});
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, PlacementOutcome::kFailed);
  EXPECT_NE(results_[0].message.find("no game server can host 3 players"), std::string::npos)
      << results_[0].message;
}

// Many placements reach their time-out in the same tick: each is told FAILED or TIMED_OUT
// as alone (one table of the largest server per location serves them all).
TEST_F(PlacementTest, AMassTimeOutTellsFailedFromTimedOutForEachPlacement) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("eu", "eu-west-1", 4), {}).ok());
  ASSERT_TRUE(fleet_->register_server(kKey, server("us", "us-east-1", 10), {}).ok());
  place("fill-eu", {"a", "b", "c", "d"}, "eu-only");
  ASSERT_TRUE(fleet_->activate(kKey, next_on("eu")->game_session_id, {}).ok());
  place("fill-us", {"e", "f", "g", "h", "i", "j", "k", "l", "m", "n"});
  ASSERT_TRUE(fleet_->activate(kKey, next_on("us")->game_session_id, {}).ok());
  results_.clear();
  constexpr int kEach = 500;
  auto names = [](int i, int n) {
    std::vector<std::string> out;
    for (int p = 0; p < n; ++p) out.push_back("x" + std::to_string(i) + "-" + std::to_string(p));
    return out;
  };
  for (int i = 0; i < kEach; ++i) {
    place("wait-" + std::to_string(i), names(i, 3), "eu-only");  // fits were eu free
    place("big-" + std::to_string(i), names(i, 5), "eu-only");   // eu is too small
    matchmaking::PlacementRequest far;                           // too far from every location
    far.placement_id = "far-" + std::to_string(i);
    for (const auto& name : names(i, 2)) {
      far.players.push_back({name, "t", "red", {{"eu-west-1", 400}, {"us-east-1", 300}}});
    }
    fleet_->place(std::move(far), [this](PlacementResult r) { results_.push_back(r); });
  }
  ASSERT_EQ(fleet_->pending_placements(), static_cast<size_t>(3 * kEach));
  pass(seconds(20), {"eu", "us"});  // eu-only times out at 20 s
  pass(seconds(45), {"eu", "us"});  // default at 60 s
  ASSERT_EQ(results_.size(), static_cast<size_t>(3 * kEach));
  std::map<std::string, int> seen;
  for (const auto& r : results_) {
    std::string kind = r.placement_id.substr(0, r.placement_id.find('-'));
    if (kind == "wait") {
      EXPECT_EQ(r.outcome, PlacementOutcome::kTimedOut) << r.placement_id;
      EXPECT_EQ(r.message, "no game server had room for 3 players within 20 s (queue eu-only)");
    } else if (kind == "big") {
      EXPECT_EQ(r.outcome, PlacementOutcome::kFailed) << r.placement_id;
      EXPECT_EQ(r.message, "no game server can host 5 players in locations eu-west-1");
    } else {
      EXPECT_EQ(r.outcome, PlacementOutcome::kFailed) << r.placement_id;
      EXPECT_EQ(r.message,
                "no game server in any location that can host 2 players is within 150 ms of "
                "every player");
    }
    ++seen[kind];
  }
  EXPECT_EQ(seen, (std::map<std::string, int>{{"big", kEach}, {"far", kEach}, {"wait", kEach}}));
  EXPECT_EQ(fleet_->pending_placements(), 0u);
}

TEST_F(PlacementTest, AnUnknownQueueFailsAtOnce) {
  place("m1", {"a"}, "nowhere");
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, PlacementOutcome::kFailed);
  EXPECT_NE(results_[0].message.find("nowhere"), std::string::npos);
}

TEST_F(PlacementTest, AGameSessionOfADeadServerIsPlacedElsewhere) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("s1", "eu-west-1", 4), {}).ok());
  place("m1", {"a", "b"});
  auto lost = next_on("s1");
  ASSERT_TRUE(lost.has_value());
  ASSERT_TRUE(fleet_->register_server(kKey, server("s2", "eu-west-1", 4), {}).ok());
  pass(seconds(30), {"s2"});  // s1 stays silent
  EXPECT_EQ(fleet_->server_count(), 1u);
  EXPECT_EQ(fleet_->game_session(kKey, lost->game_session_id)->status,
            GameSessionStatus::kTerminated);
  auto moved = next_on("s2");
  ASSERT_TRUE(moved.has_value());
  ASSERT_TRUE(fleet_->activate(kKey, moved->game_session_id, {}).ok());
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, PlacementOutcome::kFulfilled);
  EXPECT_EQ(results_[0].connection.game_session_arn, moved->game_session_arn);
}

TEST_F(PlacementTest, AServerThatNeverActivatesTimesThePlacementOut) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("s1", "eu-west-1", 4), {}).ok());
  place("m1", {"a"}, "eu-only");
  auto g = next_on("s1");
  ASSERT_TRUE(g.has_value());
  pass(seconds(20), {"s1"});
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, PlacementOutcome::kTimedOut);
  EXPECT_EQ(fleet_->game_session(kKey, g->game_session_id)->status, GameSessionStatus::kTerminated);
  EXPECT_EQ(fleet_->activate(kKey, g->game_session_id, {}).status().code(),
            Code::kFailedPrecondition);
}

TEST_F(PlacementTest, AnAbandonedPlacementReleasesItsReservationsAndNeverReports) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("s1", "eu-west-1", 2), {}).ok());
  place("m1", {"a", "b"});
  auto g = next_on("s1");
  ASSERT_TRUE(g.has_value());
  place("m2", {"c", "d"});
  fleet_->abandon("m1");
  EXPECT_EQ(fleet_->game_session(kKey, g->game_session_id)->status, GameSessionStatus::kTerminated);
  auto next = next_on("s1");
  ASSERT_TRUE(next.has_value()) << "the freed slots went to the waiting match";
  EXPECT_EQ(next->player_sessions[0].player_id, "c");
  EXPECT_TRUE(results_.empty());
}

TEST_F(PlacementTest, BackfillReservesSeatsInTheRunningGameSessionAtOnce) {
  ASSERT_TRUE(fleet_->register_server(kKey, server("s1", "eu-west-1", 3), {}).ok());
  place("m1", {"a", "b"});
  auto g = next_on("s1");
  ASSERT_TRUE(fleet_->activate(kKey, g->game_session_id, {}).ok());
  results_.clear();

  matchmaking::PlacementRequest backfill;
  backfill.placement_id = "bf1";
  backfill.game_session_arn = g->game_session_arn;
  backfill.players.push_back({"c", "t-c", "red", {}});
  fleet_->place(backfill, [this](PlacementResult r) { results_.push_back(r); });
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, PlacementOutcome::kFulfilled);
  ASSERT_EQ(results_[0].connection.player_sessions.size(), 1u);
  EXPECT_EQ(results_[0].connection.player_sessions[0].player_id, "c");
  auto now = fleet_->game_session(kKey, g->game_session_id);
  EXPECT_EQ(now->player_sessions.size(), 3u);
  EXPECT_GT(now->version, g->version);

  backfill.placement_id = "bf2";
  backfill.players = {{"d", "t-d", "red", {}}};
  fleet_->place(backfill, [this](PlacementResult r) { results_.push_back(r); });
  ASSERT_EQ(results_.size(), 2u);
  EXPECT_EQ(results_[1].outcome, PlacementOutcome::kFailed) << "the server is full";
}

}  // namespace
}  // namespace sapi::fleet
