// WITH_QUEUE: matched tickets wait in PLACING while a Placer finds a game session, then
// complete with the connection, search again or fail; and backfill tickets for running game
// sessions. On a manual clock with a Placer the test drives.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "matchmaking/service.h"
#include "matchmaking/service_test_util.h"

namespace sapi::matchmaking {
namespace {

using namespace std::chrono_literals;
using testing::configs;
using testing::one_config;
using testing::request;
using testing::TestPlacer;
using testing::wait_result;
namespace json = boost::json;

constexpr const char* kQueued =
    R"("flexMatchMode": "WITH_QUEUE", "requestTimeoutSeconds": 60, "gameSessionQueue": "eu",
       "gameProperties": [{"key": "map", "value": "forest"}], "gameSessionData": "night",)";

// Two teams of 1 to 2: a match of two leaves two open slots.
constexpr const char* kArena = R"({"configurations": [{"name": "arena",
  "flexMatchMode": "WITH_QUEUE", "backfillMode": "AUTOMATIC",
  "ruleSetBody": {"name": "r", "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10},
                         {"name": "mode", "type": "string"}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 2}]}}]})";

class PlacementTest : public ::testing::Test {
 protected:
  void make(const std::string& document, const std::string& default_name = "duel") {
    ServiceOptions o;
    o.default_configuration = default_name;
    o.run_threads = false;
    o.placer = &placer_;
    auto s = MatchmakingService::create(configs(document), o, nullptr, clock_);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    service_ = std::move(*s);
    service_->events().subscribe([this](const MatchmakingEvent& e) {
      events_.push_back(e);
      // What a reader saw when the event went out.
      for (const auto& t : e.tickets) seen_.push_back(service_->table().get(t.ticket_id));
    });
  }
  std::string start(StartRequest r) {
    auto t = testing::start_ticket(*service_, std::move(r));
    return t ? t->ticket_id : "";
  }
  std::string start(const std::string& player) { return start(request(player)); }
  TicketPtr get(const std::string& id) { return testing::describe_ticket(*service_, id); }
  Result<TicketPtr> cancel(const std::string& id) {
    return wait_result([&](auto done) {
      service_->cancel(id, done);
      service_->run_once();
    });
  }
  // Starts alice and bob, who match and are being placed.
  void match_a_duel() {
    a_ = start("alice");
    b_ = start("bob");
    service_->run_once();
    ASSERT_EQ(get(a_)->status, TicketStatus::kPlacing);
    ASSERT_EQ(placer_.requests().size(), 1u);
  }
  const MatchmakingEvent* last_event(std::string_view type) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->type == type) return &*it;
    }
    return nullptr;
  }

  TestPlacer placer_;
  ManualClock clock_{Clock::TimePoint{} + 1'700'000'000s};
  std::unique_ptr<MatchmakingService> service_;
  std::vector<MatchmakingEvent> events_;
  std::vector<TicketPtr> seen_;
  std::string a_, b_;
};

TEST_F(PlacementTest, TheRequestCarriesTheMatchTheConfigurationAndMatchmakerData) {
  make(one_config("duel", {1, 1}, kQueued));
  StartRequest r = request("alice");
  r.players[0].latencies = {{"eu-west-1", 30}, {"us-east-1", 90}};
  a_ = start(r);
  b_ = start("bob");
  service_->run_once();
  ASSERT_EQ(placer_.requests().size(), 1u);
  PlacementRequest p = placer_.requests()[0];
  EXPECT_EQ(p.placement_id, get(a_)->match_id);
  EXPECT_EQ(p.configuration, "duel");
  EXPECT_EQ(p.configuration_arn, "arn:aws:gamelift:eu-west-1::matchmakingconfiguration/duel");
  EXPECT_EQ(p.queue, "eu");
  EXPECT_TRUE(p.game_session_arn.empty());
  EXPECT_EQ(p.game_properties,
            (std::vector<std::pair<std::string, std::string>>{{"map", "forest"}}));
  EXPECT_EQ(p.game_session_data, "night");
  ASSERT_EQ(p.players.size(), 2u);
  for (const auto& player : p.players) {
    const std::string& ticket = player.player_id == "alice" ? a_ : b_;
    EXPECT_EQ(player.ticket_id, ticket);
    EXPECT_EQ(player.team, get(ticket)->players[0].team);
    EXPECT_EQ(player.latencies.size(), player.player_id == "alice" ? 2u : 0u);
  }

  json::value data = json::parse(p.matchmaker_data);
  EXPECT_EQ(data.at("matchId"), json::value(p.placement_id));
  EXPECT_EQ(data.at("matchmakingConfigurationArn"), json::value(p.configuration_arn));
  EXPECT_EQ(data.at("autoBackfillMode"), "MANUAL");
  EXPECT_FALSE(data.as_object().contains("autoBackfillTicketId"));
  const auto& teams = data.at("teams").as_array();
  ASSERT_EQ(teams.size(), 2u);
  EXPECT_EQ(teams[0].at("name"), "t0");
  ASSERT_EQ(teams[0].at("players").as_array().size(), 1u);
  const auto& attrs = teams[0].at("players").at(0).at("attributes");
  EXPECT_EQ(attrs.at("skill"),
            (json::value{{"attributeType", "DOUBLE"}, {"valueAttribute", 10.0}}));
  EXPECT_EQ(attrs.at("mode"),
            (json::value{{"attributeType", "STRING"}, {"valueAttribute", "ranked"}}));
}

TEST_F(PlacementTest, AFulfilledPlacementCompletesTheTicketsWithTheirConnection) {
  make(one_config("duel", {1, 1}, kQueued));
  match_a_duel();
  PlacementRequest p = placer_.requests()[0];
  ASSERT_TRUE(placer_.end(p.placement_id, TestPlacer::fulfilled(p)));
  EXPECT_EQ(get(a_)->status, TicketStatus::kPlacing) << "results are applied by the lifecycle";
  service_->run_once();

  TicketPtr t = get(a_);
  EXPECT_EQ(t->status, TicketStatus::kCompleted);
  EXPECT_TRUE(t->end_time.has_value());
  ASSERT_TRUE(t->connection.has_value());
  EXPECT_EQ(t->connection->game_session_arn, "arn:aws:gamelift:eu-west-1::gamesession/f/gs-1");
  EXPECT_EQ(t->connection->ip_address, "10.0.0.7");
  EXPECT_EQ(t->connection->dns_name, "gs.example.org");
  EXPECT_EQ(t->connection->port, 7777);
  ASSERT_EQ(t->connection->player_sessions.size(), 1u) << "only the ticket's own players";
  EXPECT_EQ(t->connection->player_sessions[0].player_session_id, "psess-alice");
  EXPECT_EQ(t->players[0].player_session_id, "psess-alice");
  EXPECT_EQ(get(b_)->status, TicketStatus::kCompleted);

  const MatchmakingEvent* e = last_event("MatchmakingSucceeded");
  ASSERT_NE(e, nullptr);
  boost::json::object envelope = e->envelope();
  const auto& info = envelope.at("detail").at("gameSessionInfo");
  EXPECT_EQ(info.at("gameSessionArn"), json::value(t->connection->game_session_arn));
  EXPECT_EQ(info.at("ipAddress"), "10.0.0.7");
  EXPECT_EQ(info.at("port"), 7777);
  ASSERT_EQ(info.at("players").as_array().size(), 2u);
  for (const auto& player : info.at("players").as_array()) {
    EXPECT_EQ(player.at("playerSessionId").as_string(),
              "psess-" + std::string(player.at("playerId").as_string()));
    EXPECT_FALSE(player.at("team").as_string().empty());
  }
}

TEST_F(PlacementTest, ResultsFromAnotherThreadAreAppliedByTheLifecycle) {
  make(one_config("duel", {1, 1}, kQueued));
  match_a_duel();
  PlacementRequest p = placer_.requests()[0];
  std::thread([&] { placer_.end(p.placement_id, TestPlacer::fulfilled(p)); }).join();
  service_->run_once();
  EXPECT_EQ(get(a_)->status, TicketStatus::kCompleted);
}

TEST_F(PlacementTest, APlacementTimeOutSendsTheTicketsBackToSearching) {
  make(one_config("duel", {1, 1}, kQueued));
  match_a_duel();
  Clock::TimePoint started = get(a_)->start_time;
  clock_.advance(20s);
  const std::string first = placer_.requests()[0].placement_id;
  placer_.end(first, TestPlacer::ended(PlacementOutcome::kTimedOut, "no server had room in 20 s"));
  seen_.clear();
  service_->run_once();

  // The tickets were SEARCHING again with the reason, then matched at once again.
  ASSERT_FALSE(seen_.empty());
  EXPECT_EQ(seen_[0]->status, TicketStatus::kSearching);
  EXPECT_EQ(seen_[0]->status_reason, kReasonPlacementTimedOut);
  EXPECT_EQ(seen_[0]->status_message, "no server had room in 20 s");
  EXPECT_TRUE(seen_[0]->match_id.empty());
  ASSERT_EQ(placer_.requests().size(), 2u);
  EXPECT_NE(placer_.requests()[1].placement_id, first);
  TicketPtr t = get(a_);
  EXPECT_EQ(t->status, TicketStatus::kPlacing);
  EXPECT_EQ(t->start_time, started) << "the request time-out still counts from the start";
}

TEST_F(PlacementTest, TheRequestTimeOutWaitsForThePlacementThenEndsTheTicket) {
  make(one_config("duel", {1, 1}, kQueued));
  match_a_duel();
  clock_.advance(61s);
  service_->run_once();
  EXPECT_EQ(get(a_)->status, TicketStatus::kPlacing) << "the queue's time-out governs placing";
  placer_.end(placer_.requests()[0].placement_id,
              TestPlacer::ended(PlacementOutcome::kTimedOut, "no capacity"));
  service_->run_once();
  TicketPtr t = get(a_);
  EXPECT_EQ(t->status, TicketStatus::kTimedOut);
  EXPECT_EQ(t->status_reason, kReasonRequestTimedOut);
  EXPECT_EQ(last_event("MatchmakingTimedOut")->tickets.size(), 1u);
}

TEST_F(PlacementTest, AFailedPlacementFailsTheTickets) {
  make(one_config("duel", {1, 1}, kQueued));
  match_a_duel();
  placer_.end(placer_.requests()[0].placement_id,
              TestPlacer::ended(PlacementOutcome::kFailed,
                                "no game server can host 2 players in locations eu-west-1"));
  service_->run_once();
  for (const auto& id : {a_, b_}) {
    TicketPtr t = get(id);
    EXPECT_EQ(t->status, TicketStatus::kFailed);
    EXPECT_EQ(t->status_reason, kReasonPlacementFailed);
    EXPECT_EQ(t->status_message, "no game server can host 2 players in locations eu-west-1");
  }
  const MatchmakingEvent* e = last_event("MatchmakingFailed");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->envelope().at("detail").at("reason"), json::value(kReasonPlacementFailed));
}

TEST_F(PlacementTest, CancelIsRefusedWhilePlacingButStartingAgainAbandonsThePlacement) {
  make(one_config("duel", {1, 1}, kQueued));
  match_a_duel();
  EXPECT_EQ(cancel(a_).status().code(), Code::kFailedPrecondition);
  const std::string first = placer_.requests()[0].placement_id;

  std::string again = start("alice");
  seen_.clear();
  service_->run_once();
  TicketPtr old = get(a_);
  EXPECT_EQ(old->status, TicketStatus::kCancelled);
  EXPECT_EQ(old->status_reason, kReasonReplaced);
  EXPECT_EQ(placer_.abandoned(), std::vector<std::string>{first});
  EXPECT_FALSE(placer_.end(first, TestPlacer::ended(PlacementOutcome::kFailed, "late")));
  // Bob lost his match and searched again; he and alice's new ticket matched anew.
  bool bob_searched = false;
  for (const auto& t : seen_) {
    bob_searched = bob_searched || (t->ticket_id == b_ && t->status == TicketStatus::kSearching &&
                                    t->status_reason == kReasonPlacementCancelled);
  }
  EXPECT_TRUE(bob_searched);
  EXPECT_EQ(get(b_)->status, TicketStatus::kPlacing);
  EXPECT_EQ(get(again)->status, TicketStatus::kPlacing);
  EXPECT_EQ(placer_.requests().size(), 2u);
}

TEST_F(PlacementTest, AcceptedMatchesArePlaced) {
  make(one_config("duel", {1, 1}, std::string(kQueued) + R"("acceptanceRequired": true,)"));
  a_ = start("alice");
  b_ = start("bob");
  service_->run_once();
  EXPECT_EQ(get(a_)->status, TicketStatus::kRequiresAcceptance);
  EXPECT_TRUE(placer_.requests().empty());
  for (auto [id, player] : {std::pair{a_, "alice"}, std::pair{b_, "bob"}}) {
    auto r = wait_result([&](auto done) {
      service_->accept(id, {player}, true, done);
      service_->run_once();
    });
    ASSERT_TRUE(r.ok());
  }
  EXPECT_EQ(get(a_)->status, TicketStatus::kPlacing);
  ASSERT_EQ(placer_.requests().size(), 1u);
}

TEST_F(PlacementTest, StoppingTheServiceAbandonsRunningPlacements) {
  make(one_config("duel", {1, 1}, kQueued));
  match_a_duel();
  service_->stop();
  EXPECT_EQ(placer_.abandoned().size(), 1u);
  EXPECT_EQ(placer_.running(), 0u);
}

// Backfill.

BackfillRequest backfill_of(const std::string& arn, std::vector<std::pair<std::string, int>> ps) {
  BackfillRequest r;
  r.game_session_arn = arn;
  for (auto& [id, team] : ps) {
    flexmatch::Player p = testing::player(id);
    p.team = team;
    r.players.push_back(std::move(p));
  }
  return r;
}

constexpr const char* kGame = "arn:aws:gamelift:eu-west-1::gamesession/f/gs-9";

TEST_F(PlacementTest, ABackfillTicketBringsNewPlayersToItsGameSession) {
  make(one_config("duel", {1, 1}, kQueued));
  BackfillRequest r = backfill_of(kGame, {{"alice", 0}});
  r.configuration = "arn:aws:gamelift:eu-west-1::matchmakingconfiguration/duel";
  r.ticket_id = "backfill-1";
  auto bf = wait_result([&](auto done) { service_->start_backfill(r, done); });
  ASSERT_TRUE(bf.ok()) << bf.status().to_string();
  EXPECT_TRUE((*bf)->backfill);
  EXPECT_EQ((*bf)->status, TicketStatus::kQueued);
  EXPECT_TRUE((*bf)->owner_player_id.empty());
  EXPECT_EQ(service_->active_backfill(kGame), "backfill-1");
  service_->run_once();
  EXPECT_EQ(get("backfill-1")->status, TicketStatus::kSearching) << "never matches alone";

  std::string carol = start("carol");
  service_->run_once();
  ASSERT_EQ(placer_.requests().size(), 1u);
  PlacementRequest p = placer_.requests()[0];
  EXPECT_EQ(p.game_session_arn, kGame);
  ASSERT_EQ(p.players.size(), 1u) << "only the new players are placed";
  EXPECT_EQ(p.players[0].player_id, "carol");
  EXPECT_EQ(p.players[0].team, "t1");
  json::value data = json::parse(p.matchmaker_data);
  EXPECT_EQ(data.at("teams").at(0).at("players").at(0).at("playerId"), "alice");

  placer_.end(p.placement_id, TestPlacer::fulfilled(p));
  service_->run_once();
  EXPECT_EQ(get(carol)->status, TicketStatus::kCompleted);
  EXPECT_EQ(get(carol)->connection->game_session_arn, kGame);
  TicketPtr done = get("backfill-1");
  EXPECT_EQ(done->status, TicketStatus::kCompleted);
  EXPECT_EQ(done->players[0].team, "t0") << "the game's players keep their team";
  EXPECT_EQ(service_->active_backfill(kGame), std::nullopt);
}

TEST_F(PlacementTest, WhenTheGameSessionCannotTakeThemNewcomersSearchAgain) {
  make(one_config("duel", {1, 1}, kQueued));
  auto bf = wait_result([&](auto done) {
    service_->start_backfill(backfill_of(kGame, {{"alice", 0}}), done);
  });
  ASSERT_TRUE(bf.ok());
  std::string carol = start("carol");
  service_->run_once();
  ASSERT_EQ(placer_.requests().size(), 1u);
  placer_.end(placer_.requests()[0].placement_id,
              TestPlacer::ended(PlacementOutcome::kFailed, "the game session has ended"));
  service_->run_once();
  TicketPtr backfill = get((*bf)->ticket_id);
  EXPECT_EQ(backfill->status, TicketStatus::kFailed);
  EXPECT_EQ(backfill->status_message, "the game session has ended");
  TicketPtr t = get(carol);
  EXPECT_EQ(t->status, TicketStatus::kSearching);
  EXPECT_EQ(t->status_reason, kReasonPlacementFailed);
  EXPECT_EQ(t->status_message,
            "The game session could not take the players: the game session has ended");
  EXPECT_EQ(service_->active_backfill(kGame), std::nullopt);
}

TEST_F(PlacementTest, OneActiveBackfillPerGameSessionAndStopIsCancel) {
  make(one_config("duel", {1, 1}, kQueued));
  auto first = wait_result([&](auto done) {
    service_->start_backfill(backfill_of(kGame, {{"alice", 0}}), done);
  });
  ASSERT_TRUE(first.ok());
  auto second = wait_result([&](auto done) {
    service_->start_backfill(backfill_of(kGame, {{"alice", 0}}), done);
  });
  EXPECT_EQ(second.status().code(), Code::kAlreadyExists);
  service_->run_once();
  auto stopped = cancel((*first)->ticket_id);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ((*stopped)->status, TicketStatus::kCancelled);
  auto third = wait_result([&](auto done) {
    service_->start_backfill(backfill_of(kGame, {{"alice", 0}}), done);
  });
  EXPECT_TRUE(third.ok()) << "a stopped backfill frees the game session";
}

TEST_F(PlacementTest, BackfillRequestsAreChecked) {
  make(one_config("duel", {1, 1}, kQueued));
  auto check = [&](BackfillRequest r) {
    return wait_result([&](auto done) { service_->start_backfill(std::move(r), done); })
        .status()
        .code();
  };
  EXPECT_EQ(check(backfill_of("", {{"alice", 0}})), Code::kInvalidArgument);
  EXPECT_EQ(check(backfill_of(kGame, {})), Code::kInvalidArgument);
  EXPECT_EQ(check(backfill_of(kGame, {{"alice", 5}})), Code::kInvalidArgument);
  BackfillRequest no_team = backfill_of(kGame, {{"alice", 0}});
  no_team.players[0].team.reset();
  EXPECT_EQ(check(no_team), Code::kInvalidArgument);
  BackfillRequest unknown = backfill_of(kGame, {{"alice", 0}});
  unknown.configuration = "nope";
  EXPECT_EQ(check(unknown), Code::kInvalidArgument);
}

TEST_F(PlacementTest, ABackfillTicketDoesNotReplaceItsPlayersTickets) {
  make(one_config("duel", {1, 1}, kQueued));
  std::string own = start("alice");
  service_->run_once();
  ASSERT_TRUE(wait_result([&](auto done) {
                service_->start_backfill(backfill_of(kGame, {{"alice", 0}}), done);
              }).ok());
  service_->run_once();
  EXPECT_NE(get(own)->status, TicketStatus::kCancelled);
  EXPECT_TRUE(get(own)->status_reason.empty());
}

TEST_F(PlacementTest, AutomaticBackfillStartsWhenAPlacementLeavesOpenSlots) {
  make(kArena, "arena");
  match_a_duel();
  PlacementRequest p = placer_.requests()[0];
  json::value data = json::parse(p.matchmaker_data);
  EXPECT_EQ(data.at("autoBackfillMode"), "AUTOMATIC");
  ASSERT_TRUE(data.as_object().contains("autoBackfillTicketId"));
  std::string backfill_id(data.at("autoBackfillTicketId").as_string());
  placer_.end(p.placement_id, TestPlacer::fulfilled(p));
  service_->run_once();
  EXPECT_EQ(get(a_)->status, TicketStatus::kCompleted);
  EXPECT_EQ(service_->active_backfill(TestPlacer::fulfilled(p).connection.game_session_arn),
            backfill_id);
  TicketPtr bf = get(backfill_id);
  ASSERT_NE(bf, nullptr);
  EXPECT_TRUE(bf->backfill);
  EXPECT_EQ(bf->players.size(), 2u);

  // A newcomer fills a slot of that game session.
  start("dave");
  service_->run_once();
  service_->run_once();
  ASSERT_EQ(placer_.requests().size(), 2u);
  PlacementRequest fill = placer_.requests()[1];
  EXPECT_EQ(fill.game_session_arn, "arn:aws:gamelift:eu-west-1::gamesession/f/gs-1");
  ASSERT_EQ(fill.players.size(), 1u);
  EXPECT_EQ(fill.players[0].player_id, "dave");
  EXPECT_FALSE(json::parse(fill.matchmaker_data).as_object().contains("autoBackfillTicketId"))
      << "a backfill match does not start another backfill";
}

}  // namespace
}  // namespace sapi::matchmaking
