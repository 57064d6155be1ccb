// The fleet's registry, liveness, game and player sessions, on a manual clock.

#include "fleet/fleet.h"

#include <gtest/gtest.h>

#include <future>

#include "fleet/records.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::fleet {
namespace {

using std::chrono::seconds;

constexpr char kKey[] = "AKIAFLEETTESTKEY0001";
constexpr char kOtherKey[] = "AKIAFLEETTESTKEY0002";

GameServerSpec spec(std::string id, std::string location = "eu-west-1", int max_players = 10) {
  GameServerSpec s;
  s.game_server_id = std::move(id);
  s.ip_address = "10.0.0.1";
  s.port = 7777;
  s.location = std::move(location);
  s.max_players = max_players;
  return s;
}

matchmaking::PlacementRequest match(std::string id, std::vector<std::string> players) {
  matchmaking::PlacementRequest r;
  r.placement_id = std::move(id);
  r.configuration = "seed-game";
  r.matchmaker_data = R"({"matchId":"m"})";
  for (auto& p : players) r.players.push_back({p, "ticket-" + p, "red", {}});
  return r;
}

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override { fleet_ = make(nullptr); }

  std::unique_ptr<Fleet> make(store::FleetStore* store) {
    FleetOptions options;
    options.run_threads = false;
    options.heartbeat_timeout = seconds(30);
    options.player_session_timeout = seconds(60);
    options.queue_named = [](const std::string& name) -> std::optional<QueueConfig> {
      if (name != "default") return std::nullopt;
      QueueConfig queue = default_queue();
      queue.timeout_seconds = 600;
      return queue;
    };
    auto fleet = Fleet::create(options, store, clock_, nullptr);
    EXPECT_TRUE(fleet.ok()) << fleet.status().to_string();
    return std::move(*fleet);
  }

  // Places `players` and returns the game session the server receives.
  GameSession placed(const std::string& server, const std::vector<std::string>& players,
                     std::vector<matchmaking::PlacementResult>* results) {
    fleet_->place(match("m-" + players.front(), players),
                  [results](matchmaking::PlacementResult r) { results->push_back(r); });
    std::optional<GameSession> got;
    fleet_->wait_for_game_session(kKey, server, clock_.now(), [&](auto r) {
      ASSERT_TRUE(r.ok());
      got = *r;
    });
    EXPECT_TRUE(got.has_value());
    return got.value_or(GameSession{});
  }

  ManualClock clock_{Clock::TimePoint(seconds(1'800'000'000))};
  std::unique_ptr<Fleet> fleet_;
};

TEST_F(FleetTest, RegisteringGeneratesAnIdAndBindsTheServerToItsKey) {
  auto s = fleet_->register_server(kKey, spec(""), {});
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->spec.game_server_id.rfind("gsrv-", 0), 0u);
  EXPECT_EQ(s->access_key_id, kKey);

  auto other = fleet_->register_server(kOtherKey, spec(s->spec.game_server_id), {});
  EXPECT_EQ(other.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(fleet_->heartbeat(kOtherKey, s->spec.game_server_id, 1, {}).status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(fleet_->deregister_server(kOtherKey, s->spec.game_server_id, {}).code(),
            Code::kPermissionDenied);
}

TEST_F(FleetTest, ReRegisteringFromTheSameKeyUpdatesTheServer) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  auto updated = spec("a", "us-east-1", 20);
  auto s = fleet_->register_server(kKey, updated, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->spec.location, "us-east-1");
  EXPECT_EQ(s->spec.max_players, 20);
  EXPECT_EQ(fleet_->server_count(), 1u);
}

TEST_F(FleetTest, RejectsBadRegistrations) {
  auto bad = [&](auto edit) {
    auto s = spec("a");
    edit(s);
    return fleet_->register_server(kKey, s, {}).status().code();
  };
  EXPECT_EQ(bad([](auto& s) { s.game_server_id = "has space"; }), Code::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) { s.ip_address = "not-an-ip"; }), Code::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) { s.port = 0; }), Code::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) { s.location = "Europe"; }), Code::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) { s.max_players = 201; }), Code::kInvalidArgument);
  EXPECT_EQ(bad([](auto& s) {
              for (int i = 0; i < 33; ++i) s.labels["k" + std::to_string(i)] = "v";
            }),
            Code::kInvalidArgument);
  EXPECT_EQ(fleet_->server_count(), 0u);
}

TEST_F(FleetTest, AServerThatMissesItsHeartbeatsIsTakenOut) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  clock_.advance(seconds(20));
  ASSERT_TRUE(fleet_->heartbeat(kKey, "a", 3, Health::kHealthy).ok());
  clock_.advance(seconds(29));
  fleet_->tick();
  EXPECT_EQ(fleet_->server_count(), 1u);
  clock_.advance(seconds(1));
  fleet_->tick();
  EXPECT_EQ(fleet_->server_count(), 0u);
  EXPECT_EQ(fleet_->heartbeat(kKey, "a", 3, {}).status().code(), Code::kNotFound);
}

TEST_F(FleetTest, AHeartbeatWithMorePlayersThanMaxPlayersIsRefusedWhole) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a", "eu-west-1", 10), {}).ok());
  ASSERT_TRUE(fleet_->heartbeat(kKey, "a", 10, Health::kHealthy).ok());  // full is fine
  clock_.advance(seconds(20));

  auto over = fleet_->heartbeat(kKey, "a", 11, Health::kUnhealthy);
  ASSERT_EQ(over.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(over.status().message(), "playerCount 11 is more than the server's maxPlayers 10");

  // Neither the count, nor the health, nor the liveness of the refused heartbeat counts.
  auto after = fleet_->heartbeat(kKey, "a", {}, {});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->player_count, 10);
  EXPECT_EQ(after->health, Health::kHealthy);

  ASSERT_TRUE(fleet_->register_server(kKey, spec("b", "eu-west-1", 4), {}).ok());
  clock_.advance(seconds(20));
  EXPECT_EQ(fleet_->heartbeat(kKey, "b", 5, {}).status().code(), Code::kInvalidArgument);
  clock_.advance(seconds(10));
  fleet_->tick();
  EXPECT_EQ(fleet_->heartbeat(kKey, "b", 4, {}).status().code(), Code::kNotFound)
      << "refused heartbeats do not keep a server alive";
}

TEST_F(FleetTest, DeregisteringRemovesTheServer) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  EXPECT_TRUE(fleet_->deregister_server(kKey, "a", {}).ok());
  EXPECT_EQ(fleet_->deregister_server(kKey, "a", {}).code(), Code::kNotFound);
}

TEST_F(FleetTest, TheLongPollAnswersWhenAGameSessionIsPlaced) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  std::vector<Result<std::optional<GameSession>>> answers;
  fleet_->wait_for_game_session(kKey, "a", clock_.now() + seconds(20),
                                [&](auto r) { answers.push_back(r); });
  EXPECT_TRUE(answers.empty());
  std::vector<matchmaking::PlacementResult> results;
  fleet_->place(match("m1", {"p1", "p2"}), [&](auto r) { results.push_back(r); });
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].ok());
  const GameSession& g = answers[0]->value();
  EXPECT_EQ(g.status, GameSessionStatus::kActivating);
  EXPECT_EQ(g.game_server_id, "a");
  EXPECT_EQ(g.game_session_arn,
            "arn:aws:gamelift:eu-west-1::gamesession/session-api/" + g.game_session_id);
  EXPECT_EQ(g.matchmaker_data, R"({"matchId":"m"})");
  ASSERT_EQ(g.player_sessions.size(), 2u);
  EXPECT_EQ(g.player_sessions[0].status, PlayerSessionStatus::kReserved);
  EXPECT_EQ(g.player_sessions[0].player_session_id.rfind("psess-", 0), 0u);
  EXPECT_TRUE(results.empty()) << "the placement is fulfilled by activation only";
}

TEST_F(FleetTest, TheLongPollEndsEmptyAtItsDeadline) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  std::vector<Result<std::optional<GameSession>>> answers;
  fleet_->wait_for_game_session(kKey, "a", clock_.now() + seconds(5),
                                [&](auto r) { answers.push_back(r); });
  clock_.advance(seconds(4));
  fleet_->tick();
  EXPECT_TRUE(answers.empty());
  clock_.advance(seconds(1));
  fleet_->tick();
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].ok());
  EXPECT_FALSE(answers[0]->has_value());

  fleet_->wait_for_game_session(kOtherKey, "a", clock_.now(),
                                [&](auto r) { answers.push_back(r); });
  EXPECT_EQ(answers.back().status().code(), Code::kPermissionDenied);
}

TEST_F(FleetTest, ActivationFulfilsThePlacementWithConnectionInfo) {
  auto registered = spec("a");
  registered.dns_name = "a.example.test";
  ASSERT_TRUE(fleet_->register_server(kKey, registered, {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  GameSession g = placed("a", {"p1", "p2"}, &results);
  EXPECT_EQ(fleet_->activate(kOtherKey, g.game_session_id, {}).status().code(),
            Code::kPermissionDenied);
  auto active = fleet_->activate(kKey, g.game_session_id, {});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->status, GameSessionStatus::kActive);
  EXPECT_GT(active->version, g.version);
  ASSERT_EQ(results.size(), 1u);
  const auto& r = results[0];
  EXPECT_EQ(r.outcome, matchmaking::PlacementOutcome::kFulfilled);
  EXPECT_EQ(r.connection.game_session_arn, g.game_session_arn);
  EXPECT_EQ(r.connection.ip_address, "10.0.0.1");
  EXPECT_EQ(r.connection.dns_name, "a.example.test");
  EXPECT_EQ(r.connection.port, 7777);
  ASSERT_EQ(r.connection.player_sessions.size(), 2u);
  EXPECT_EQ(r.connection.player_sessions[1].player_id, "p2");
  EXPECT_EQ(r.connection.player_sessions[1].player_session_id,
            g.player_sessions[1].player_session_id);
  EXPECT_TRUE(fleet_->had_player_session(kKey, "p1"));
  EXPECT_FALSE(fleet_->had_player_session(kOtherKey, "p1")) << "placed on another key's server";
  EXPECT_FALSE(fleet_->had_player_session(kKey, "p3"));
}

TEST_F(FleetTest, APlayerSessionIsAcceptedOnceAndOnlyWhileReserved) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  GameSession g = placed("a", {"p1", "p2"}, &results);
  ASSERT_TRUE(fleet_->activate(kKey, g.game_session_id, {}).ok());
  const std::string p1 = g.player_sessions[0].player_session_id;
  const std::string p2 = g.player_sessions[1].player_session_id;

  auto accepted = fleet_->accept_player_session(kKey, g.game_session_id, p1, {});
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->status, PlayerSessionStatus::kActive);
  auto again = fleet_->accept_player_session(kKey, g.game_session_id, p1, {});
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("already ACTIVE"), std::string::npos);
  EXPECT_EQ(
      fleet_->accept_player_session(kKey, g.game_session_id, "psess-nope", {}).status().code(),
      Code::kNotFound);
  EXPECT_EQ(fleet_->accept_player_session(kOtherKey, g.game_session_id, p2, {}).status().code(),
            Code::kPermissionDenied);

  clock_.advance(seconds(60));
  auto expired = fleet_->accept_player_session(kKey, g.game_session_id, p2, {});
  EXPECT_EQ(expired.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);

  auto removed = fleet_->remove_player_session(kKey, g.game_session_id, p1, {});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->status, PlayerSessionStatus::kCompleted);
  auto after = fleet_->accept_player_session(kKey, g.game_session_id, p1, {});
  EXPECT_NE(after.status().message().find("COMPLETED"), std::string::npos);
}

TEST_F(FleetTest, ReservationsTimeOutAndFreeTheirSlots) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a", "eu-west-1", 2), {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  GameSession g = placed("a", {"p1", "p2"}, &results);
  ASSERT_TRUE(fleet_->activate(kKey, g.game_session_id, {}).ok());
  fleet_->place(match("m3", {"p3"}), [&](auto r) { results.push_back(r); });
  EXPECT_EQ(fleet_->pending_placements(), 1u) << "the server is full";
  for (int i = 0; i < 3; ++i) {
    clock_.advance(seconds(20));
    ASSERT_TRUE(fleet_->heartbeat(kKey, "a", 2, {}).ok());
    fleet_->tick();
  }
  auto now = fleet_->game_session(kKey, g.game_session_id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->player_sessions[0].status, PlayerSessionStatus::kTimedOut);
  std::optional<GameSession> next;
  fleet_->wait_for_game_session(kKey, "a", clock_.now(), [&](auto r) {
    ASSERT_TRUE(r.ok());
    next = *r;
  });
  ASSERT_TRUE(next.has_value()) << "the freed slots took the waiting match";
  EXPECT_EQ(next->player_sessions[0].player_id, "p3");
}

TEST_F(FleetTest, EndingAGameSessionTerminatesItAndWakesWatchers) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  GameSession g = placed("a", {"p1"}, &results);
  auto active = fleet_->activate(kKey, g.game_session_id, {});
  ASSERT_TRUE(active.ok());
  std::vector<GameSession> seen;
  fleet_->watch_game_session(kKey, g.game_session_id, active->version, clock_.now() + seconds(20),
                             [&](auto r) { seen.push_back(**r); });
  EXPECT_TRUE(seen.empty());
  auto ended = fleet_->end_game_session(kKey, g.game_session_id, {});
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->status, GameSessionStatus::kTerminated);
  EXPECT_EQ(ended->player_sessions[0].status, PlayerSessionStatus::kTimedOut);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, GameSessionStatus::kTerminated);
  EXPECT_EQ(fleet_
                ->accept_player_session(kKey, g.game_session_id,
                                        g.player_sessions[0].player_session_id, {})
                .status()
                .code(),
            Code::kFailedPrecondition);
}

TEST_F(FleetTest, ATerminatedGameSessionStaysReadableForTheRetentionAfterItEnded) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  GameSession g = placed("a", {"p1"}, &results);
  ASSERT_TRUE(fleet_->activate(kKey, g.game_session_id, {}).ok());
  auto later = [&](seconds s) {
    clock_.advance(s);
    ASSERT_TRUE(fleet_->heartbeat(kKey, "a", {}, {}).ok());
    fleet_->tick();
  };
  later(seconds(3000));
  ASSERT_TRUE(fleet_->end_game_session(kKey, g.game_session_id, {}).ok());
  later(seconds(3000));
  EXPECT_TRUE(fleet_->game_session(kKey, g.game_session_id).ok());
  EXPECT_TRUE(fleet_->had_player_session(kKey, "p1"));
  later(seconds(700));
  EXPECT_EQ(fleet_->game_session(kKey, g.game_session_id).status().code(), Code::kNotFound);
  EXPECT_FALSE(fleet_->had_player_session(kKey, "p1"));
}

TEST_F(FleetTest, APlayerStaysPlacedUntilTheLastOfItsGameSessionsIsPurged) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  auto later = [&](seconds s) {
    clock_.advance(s);
    ASSERT_TRUE(fleet_->heartbeat(kKey, "a", {}, {}).ok());
    fleet_->tick();
  };
  GameSession first = placed("a", {"p1", "p2"}, &results);
  ASSERT_TRUE(fleet_->activate(kKey, first.game_session_id, {}).ok());
  ASSERT_TRUE(fleet_->end_game_session(kKey, first.game_session_id, {}).ok());
  later(seconds(1800));
  fleet_->place(match("m-second", {"p1"}),
                [&](matchmaking::PlacementResult r) { results.push_back(r); });
  std::optional<GameSession> second;
  fleet_->wait_for_game_session(kKey, "a", clock_.now(), [&](auto r) {
    if (r.ok()) second = *r;
  });
  ASSERT_TRUE(second);
  ASSERT_TRUE(fleet_->activate(kKey, second->game_session_id, {}).ok());
  ASSERT_TRUE(fleet_->end_game_session(kKey, second->game_session_id, {}).ok());
  later(seconds(1900));  // the first session is past the retention of an hour, the second not
  EXPECT_EQ(fleet_->game_session(kKey, first.game_session_id).status().code(), Code::kNotFound);
  EXPECT_TRUE(fleet_->game_session(kKey, second->game_session_id).ok());
  EXPECT_TRUE(fleet_->had_player_session(kKey, "p1"));
  EXPECT_FALSE(fleet_->had_player_session(kKey, "p2"));
  later(seconds(1800));
  EXPECT_FALSE(fleet_->had_player_session(kKey, "p1"));
}

TEST_F(FleetTest, ADeadServersActiveSessionsEnd) {
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  GameSession g = placed("a", {"p1"}, &results);
  ASSERT_TRUE(fleet_->activate(kKey, g.game_session_id, {}).ok());
  clock_.advance(seconds(30));
  fleet_->tick();
  auto after = fleet_->game_session(kKey, g.game_session_id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, GameSessionStatus::kTerminated);
}

TEST_F(FleetTest, EachWayAGameSessionEndsReportsItsArnOnce) {
  std::vector<std::string> ended;
  fleet_->set_on_game_session_terminated([&](const std::string& arn) { ended.push_back(arn); });
  std::vector<matchmaking::PlacementResult> results;
  auto running = [&](const std::string& server, const std::string& player) {
    EXPECT_TRUE(fleet_->register_server(kKey, spec(server), {}).ok());
    GameSession g = placed(server, {player}, &results);
    EXPECT_TRUE(fleet_->activate(kKey, g.game_session_id, {}).ok());
    return g;
  };

  GameSession by_end = running("a", "p1");
  ASSERT_TRUE(fleet_->end_game_session(kKey, by_end.game_session_id, {}).ok());
  ASSERT_TRUE(fleet_->end_game_session(kKey, by_end.game_session_id, {}).ok());
  EXPECT_EQ(ended, std::vector<std::string>{by_end.game_session_arn});
  ASSERT_TRUE(fleet_->deregister_server(kKey, "a", {}).ok());  // nothing left running on it
  EXPECT_EQ(ended.size(), 1u);

  GameSession by_deregister = running("b", "p2");
  ASSERT_TRUE(fleet_->deregister_server(kKey, "b", {}).ok());
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(ended[1], by_deregister.game_session_arn);

  GameSession by_reaping = running("c", "p3");
  clock_.advance(seconds(30));
  fleet_->tick();
  ASSERT_EQ(ended.size(), 3u);
  EXPECT_EQ(ended[2], by_reaping.game_session_arn);
  EXPECT_NE(by_end.game_session_arn, by_reaping.game_session_arn);
}

TEST_F(FleetTest, GameSessionsAndServersSurviveARestart) {
  store::testing::TempDir dir;
  store::StoreOptions options;
  options.data_dir = dir.path();
  auto opened = store::open_store(options);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  std::unique_ptr<store::Store> db = std::move(*opened);
  fleet_ = make(&db->fleet());
  ASSERT_TRUE(fleet_->register_server(kKey, spec("a"), {}).ok());
  ASSERT_TRUE(fleet_->register_server(kKey, spec("b", "us-east-1"), {}).ok());
  std::vector<matchmaking::PlacementResult> results;
  GameSession active = placed("a", {"p1", "p2"}, &results);
  ASSERT_TRUE(fleet_->activate(kKey, active.game_session_id, {}).ok());
  ASSERT_TRUE(fleet_
                  ->accept_player_session(kKey, active.game_session_id,
                                          active.player_sessions[0].player_session_id, {})
                  .ok());
  GameSession activating = placed("a", {"p3"}, &results);
  fleet_->stop();
  fleet_.reset();
  db->close();
  db.reset();

  opened = store::open_store(options);
  ASSERT_TRUE(opened.ok());
  db = std::move(*opened);
  fleet_ = make(&db->fleet());
  EXPECT_EQ(fleet_->server_count(), 2u);
  auto restored = fleet_->game_session(kKey, active.game_session_id);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->status, GameSessionStatus::kActive);
  EXPECT_EQ(restored->player_sessions[0].status, PlayerSessionStatus::kActive);
  EXPECT_EQ(restored->player_sessions[1].status, PlayerSessionStatus::kReserved);
  EXPECT_EQ(restored->game_session_arn, active.game_session_arn);
  EXPECT_EQ(fleet_->game_session(kOtherKey, active.game_session_id).status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(fleet_->game_session(kKey, activating.game_session_id).status().code(), Code::kNotFound)
      << "its placement ended with the previous process";
  EXPECT_TRUE(fleet_->had_player_session(kKey, "p2"));
  fleet_.reset();
  db->close();
}

TEST_F(FleetTest, AStoredActivatingGameSessionIsTerminatedAtStartUp) {
  store::testing::TempDir dir;
  store::StoreOptions options;
  options.data_dir = dir.path();
  auto db = std::move(store::open_store(options).value());
  GameServer server;
  server.spec = spec("a");
  server.access_key_id = kKey;
  GameSession g;
  g.game_session_id = "gsess-1";
  g.game_session_arn = "arn:aws:gamelift:eu-west-1::gamesession/session-api/gsess-1";
  g.game_server_id = "a";
  g.access_key_id = kKey;
  g.status = GameSessionStatus::kActivating;
  g.placement_id = "m-lost";
  g.player_sessions.push_back({"psess-1", "p1", "gsess-1", PlayerSessionStatus::kReserved, {}});
  std::promise<void> written;
  db->fleet().put_game_server({"a", encode_server(server), clock_.now()}, [](Status) {});
  db->fleet().put_game_session(
      {"gsess-1", "a", "ACTIVATING", false, encode_session(g), clock_.now()}, [&](Status s) {
        EXPECT_TRUE(s.ok());
        written.set_value();
      });
  written.get_future().wait();

  fleet_ = make(&db->fleet());
  auto restored = fleet_->game_session(kKey, "gsess-1");
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->status, GameSessionStatus::kTerminated);
  EXPECT_EQ(restored->player_sessions[0].status, PlayerSessionStatus::kTimedOut);

  // What waits on the game session (a backfill ticket restored by the matchmaking service,
  // which is built after the fleet) hears of its end once it links itself to the fleet, and
  // only once.
  std::vector<std::string> heard;
  fleet_->set_on_game_session_terminated([&](const std::string& arn) { heard.push_back(arn); });
  EXPECT_EQ(heard, std::vector<std::string>{g.game_session_arn});
  fleet_->set_on_game_session_terminated([&](const std::string& arn) { heard.push_back(arn); });
  EXPECT_EQ(heard.size(), 1u);
  fleet_.reset();
  db->close();
}

}  // namespace
}  // namespace sapi::fleet
