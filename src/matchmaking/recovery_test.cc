// Durable tickets on a real SQLite file: acknowledged only once stored, resumed after a
// restart with their original start time, finished ones readable from the store.

#include <gtest/gtest.h>

#include "matchmaking/service.h"
#include "matchmaking/service_test_util.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::matchmaking {
namespace {

using namespace std::chrono_literals;
using testing::configs;
using testing::one_config;
using testing::request;
using testing::wait_result;

class RecoveryTest : public ::testing::Test {
 protected:
  // `queued`: the configuration is WITH_QUEUE and placer_ places its matches.
  void open(bool queued = false) {
    store::StoreOptions so;
    so.data_dir = dir_.path();
    auto s = store::open_store(so);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    store_ = std::move(*s);
    ServiceOptions o;
    o.default_configuration = "duel";
    o.run_threads = false;
    o.placer = &placer_;
    auto m = MatchmakingService::create(
        configs(one_config("duel", {1, 1}, queued ? kQueuedExtra : kExtra)), o, &store_->tickets(),
        clock_);
    ASSERT_TRUE(m.ok()) << m.status().to_string();
    service_ = std::move(*m);
  }
  void close() {
    service_.reset();
    store_->close();
    store_.reset();
  }
  std::string start(const std::string& player) {
    auto t = testing::start_ticket(*service_, request(player));
    return t ? t->ticket_id : "";
  }
  // Lets the store write what the lifecycle queued.
  void settle() {
    ASSERT_TRUE(store_->tickets()
                    .put_ticket_sync(
                        {"barrier", "x", "x", "FAILED", true, clock_.now(), "{}", clock_.now()})
                    .ok());
  }

  static constexpr const char* kExtra = R"("requestTimeoutSeconds": 100,)";
  static constexpr const char* kQueuedExtra =
      R"("requestTimeoutSeconds": 100, "flexMatchMode": "WITH_QUEUE",)";
  testing::TestPlacer placer_;
  store::testing::TempDir dir_;
  ManualClock clock_{Clock::TimePoint{} + 1'700'000'000s};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<MatchmakingService> service_;
};

TEST_F(RecoveryTest, AnAcknowledgedTicketIsInTheStore) {
  open();
  std::string a = start("alice");
  auto record = store_->tickets().get_ticket(a);
  ASSERT_TRUE(record.ok()) << record.status().to_string();
  EXPECT_EQ(record->owner_player_id, "alice");
  EXPECT_EQ(record->configuration, "duel");
  EXPECT_FALSE(record->finished);
}

TEST_F(RecoveryTest, UnfinishedTicketsResumeSearchingWithTheirStartTime) {
  open();
  std::string a = start("alice");
  auto started = service_->describe(a);
  ASSERT_TRUE(started.ok());
  Clock::TimePoint start_time = (*started)->start_time;
  clock_.advance(2s);
  std::string b = start("bob");
  service_->run_once();  // the duel completes
  settle();
  clock_.advance(5s);
  std::string c = start("carol");
  service_->run_once();
  settle();
  close();

  clock_.advance(30s);
  open();
  auto resumed = service_->describe(c);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)->status, TicketStatus::kSearching);
  EXPECT_EQ((*resumed)->start_time, start_time + 7s);
  EXPECT_EQ((*resumed)->players[0].player_id, "carol");
  // A finished ticket of the earlier run is read from the store.
  auto done = service_->describe(a);
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  EXPECT_EQ((*done)->status, TicketStatus::kCompleted);
  EXPECT_EQ((*done)->start_time, start_time);
  // The resumed ticket matches with a newcomer, and its request time-out still counts from
  // its original start time.
  std::string d = start("dave");
  service_->run_once();
  EXPECT_EQ((*service_->describe(c))->status, TicketStatus::kCompleted);
  EXPECT_EQ((*service_->describe(d))->status, TicketStatus::kCompleted);
}

TEST_F(RecoveryTest, TheRequestTimeOutCountsFromTheOriginalStartTime) {
  open();
  std::string a = start("alice");
  service_->run_once();
  settle();
  close();
  clock_.advance(101s);
  open();
  service_->run_once();
  auto t = service_->describe(a);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->status, TicketStatus::kTimedOut);
}

TEST_F(RecoveryTest, TheResumedPlayerCanBeReplacedByANewTicket) {
  open();
  std::string a = start("alice");
  service_->run_once();
  settle();
  close();
  open();
  std::string again = start("alice");
  service_->run_once();
  EXPECT_EQ((*service_->describe(a))->status, TicketStatus::kCancelled);
  EXPECT_EQ((*service_->describe(again))->status, TicketStatus::kSearching);
}

TEST_F(RecoveryTest, APlacedTicketKeepsItsConnectionAcrossARestart) {
  open(true);
  std::string a = start("alice");
  start("bob");
  service_->run_once();
  ASSERT_EQ(placer_.requests().size(), 1u);
  PlacementRequest p = placer_.requests()[0];
  placer_.end(p.placement_id, testing::TestPlacer::fulfilled(p));
  service_->run_once();
  settle();
  close();
  open(true);
  auto t = service_->describe(a);
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ((*t)->status, TicketStatus::kCompleted);
  ASSERT_TRUE((*t)->connection.has_value());
  EXPECT_EQ((*t)->connection->ip_address, "10.0.0.7");
  EXPECT_EQ((*t)->connection->port, 7777);
  ASSERT_EQ((*t)->connection->player_sessions.size(), 1u);
  EXPECT_EQ((*t)->connection->player_sessions[0].player_session_id, "psess-alice");
}

TEST_F(RecoveryTest, TicketsThatWerePlacingSearchAgainAfterARestart) {
  open(true);
  std::string a = start("alice");
  std::string b = start("bob");
  service_->run_once();
  ASSERT_EQ((*service_->describe(a))->status, TicketStatus::kPlacing);
  settle();
  close();
  EXPECT_EQ(placer_.abandoned().size(), 1u) << "a stopping service gives its placements up";
  open(true);
  EXPECT_EQ((*service_->describe(a))->status, TicketStatus::kSearching);
  EXPECT_TRUE((*service_->describe(a))->match_id.empty());
  service_->run_once();
  EXPECT_EQ((*service_->describe(b))->status, TicketStatus::kPlacing);
  EXPECT_EQ(placer_.requests().size(), 2u) << "placed anew";
}

TEST_F(RecoveryTest, ABackfillTicketResumesWithItsGameSessionAndTeams) {
  open(true);
  BackfillRequest r;
  r.ticket_id = "bf-1";
  r.game_session_arn = "arn:aws:gamelift:eu-west-1::gamesession/f/gs-1";
  r.players = {testing::player("alice")};
  r.players[0].team = 1;
  ASSERT_TRUE(wait_result([&](auto done) { service_->start_backfill(r, done); }).ok());
  service_->run_once();
  settle();
  close();
  open(true);
  EXPECT_EQ(service_->active_backfill(r.game_session_arn), "bf-1");
  auto again = wait_result([&](auto done) { service_->start_backfill(r, done); });
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  std::string carol = start("carol");
  service_->run_once();
  ASSERT_EQ(placer_.requests().size(), 1u);
  PlacementRequest p = placer_.requests()[0];
  EXPECT_EQ(p.game_session_arn, r.game_session_arn);
  ASSERT_EQ(p.players.size(), 1u);
  EXPECT_EQ(p.players[0].team, "t0") << "alice is still on t1";
}

}  // namespace
}  // namespace sapi::matchmaking
