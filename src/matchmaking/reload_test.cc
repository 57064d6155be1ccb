// Reloading the configurations (SIGHUP) keeps every ticket: unfinished ones move to the new
// version of their configuration with their startTime, finished ones stay readable, and
// commands racing the reload still reach their ticket.

#include <gtest/gtest.h>

#include "matchmaking/service.h"
#include "matchmaking/service_test_util.h"

namespace sapi::matchmaking {
namespace {

using namespace std::chrono_literals;
using testing::configs;
using testing::one_config;
using testing::request;
using testing::TestPlacer;

class ReloadTest : public ::testing::Test {
 protected:
  void make(const std::string& document, bool threads = false) {
    ServiceOptions o;
    o.default_configuration = "duel";
    o.run_threads = threads;
    o.placer = &placer_;
    o.cycle_interval = 5ms;
    auto s = MatchmakingService::create(configs(document), o, nullptr,
                                        threads ? Clock::system() : clock_);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    service_ = std::move(*s);
  }
  std::string start(const std::string& player, const std::string& configuration = "") {
    return start(request(player, configuration));
  }
  std::string start(StartRequest r) {
    auto t = testing::start_ticket(*service_, std::move(r));
    return t ? t->ticket_id : "";
  }
  TicketPtr get(const std::string& id) { return testing::describe_ticket(*service_, id); }
  Status reload(const std::string& document) { return service_->reload(configs(document)); }

  TestPlacer placer_;
  ManualClock clock_{Clock::TimePoint{} + 1'700'000'000s};
  std::unique_ptr<MatchmakingService> service_;
};

TEST_F(ReloadTest, SearchingTicketsMoveOnWithTheirStartTimeUnderTheNewSettings) {
  make(one_config("duel", {1, 1}, R"("requestTimeoutSeconds": 100,)"));
  std::string a = start("alice");
  service_->run_once();
  Clock::TimePoint started = get(a)->start_time;
  clock_.advance(10s);
  ASSERT_TRUE(reload(one_config("duel", {1, 1}, R"("requestTimeoutSeconds": 30,)")).ok());
  service_->run_once();
  EXPECT_EQ(get(a)->status, TicketStatus::kSearching);
  EXPECT_EQ(get(a)->start_time, started);
  EXPECT_EQ(service_->configuration("duel")->request_timeout_seconds, 30);
  clock_.advance(20s);  // 30 s after the start
  service_->run_once();
  EXPECT_EQ(get(a)->status, TicketStatus::kTimedOut);
}

TEST_F(ReloadTest, WaitingTicketsMatchUnderTheNewRules) {
  make(one_config("duel", {2, 2}));
  std::string a = start("alice");
  std::string b = start("bob");
  service_->run_once();
  EXPECT_EQ(get(a)->status, TicketStatus::kSearching);
  ASSERT_TRUE(reload(one_config("duel", {1, 1})).ok());
  service_->run_once();
  service_->run_once();
  EXPECT_EQ(get(a)->status, TicketStatus::kCompleted);
  EXPECT_EQ(get(b)->status, TicketStatus::kCompleted);
}

TEST_F(ReloadTest, CommandsRacingTheReloadStillReachTheirTicket) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");
  std::string c = start("carol");
  service_->run_once();  // a finished duel
  std::string d = start("dave");
  service_->run_once();  // and a lone searching ticket
  ASSERT_TRUE(reload(one_config("duel", {1, 1})).ok());
  // Before any step: the cancel goes to the new lifecycle, the ticket is still in the old one.
  std::promise<Result<TicketPtr>> cancelled;
  service_->cancel(d, [&](Result<TicketPtr> r) { cancelled.set_value(r); });
  service_->run_once();
  auto r = cancelled.get_future().get();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ((*r)->status, TicketStatus::kCancelled);
  // The finished tickets of before the reload are still readable.
  EXPECT_EQ(get(a)->status, TicketStatus::kCompleted);
  EXPECT_EQ(get(c)->status, TicketStatus::kCompleted);
}

// one_config("duel", {1, 1}) with a new attribute first: every declared index moves.
constexpr const char* kLevelFirst = R"({"configurations":[{"name":"duel","ruleSetBody":{
  "name":"r","ruleLanguageVersion":"1.0","playerAttributes":[
  {"name":"level","type":"number","default":1},{"name":"skill","type":"number","default":10},
  {"name":"mode","type":"string"}],"teams":[{"name":"t0","minPlayers":1,"maxPlayers":1},
  {"name":"t1","minPlayers":1,"maxPlayers":1}]}}]})";

TEST_F(ReloadTest, ATicketStartedJustBeforeTheReloadIsReadByTheNewRuleSet) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");  // queued, not yet taken in by the lifecycle
  ASSERT_TRUE(reload(kLevelFirst).ok());
  service_->run_once();
  TicketPtr t = get(a);
  EXPECT_EQ(t->status, TicketStatus::kSearching);
  ASSERT_EQ(t->players[0].decoded.attributes.size(), 3u);
  EXPECT_EQ(t->players[0].decoded.attributes[0].as_number(), 1);
  EXPECT_EQ(t->players[0].decoded.attributes[2].as_string(), "ranked");
}

TEST_F(ReloadTest, PlayersDecodedBeforeTheReloadAreReadByTheNewRuleSet) {
  make(one_config("duel", {1, 1}));
  // The route decoded the request against the configuration of the time...
  StartRequest r = request("alice");
  r.rules = service_->configuration("duel")->rules.get();
  ASSERT_TRUE(reload(kLevelFirst).ok());
  // ...and the service starts it after the reload.
  std::string a = start(r);
  service_->run_once();
  TicketPtr t = get(a);
  EXPECT_EQ(t->status, TicketStatus::kSearching);
  ASSERT_EQ(t->players[0].decoded.attributes.size(), 3u);
  EXPECT_EQ(t->players[0].decoded.attributes[2].as_string(), "ranked");
}

TEST_F(ReloadTest, AReplacementReachesATicketOfBeforeTheReload) {
  make(one_config("duel", {1, 1}));
  std::string first = start("alice");
  service_->run_once();
  ASSERT_TRUE(reload(one_config("duel", {1, 1})).ok());
  service_->run_once();
  std::string second = start("alice");
  service_->run_once();
  EXPECT_EQ(get(first)->status, TicketStatus::kCancelled);
  EXPECT_EQ(get(first)->status_reason, kReasonReplaced);
  EXPECT_EQ(get(second)->status, TicketStatus::kSearching);
}

TEST_F(ReloadTest, ATicketTheNewRuleSetCannotReadFailsWithTheReason) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");
  service_->run_once();
  // `mode` becomes a number: alice's "ranked" no longer decodes.
  ASSERT_TRUE(reload(R"({"configurations":[{"name":"duel","ruleSetBody":{"name":"r",
      "ruleLanguageVersion":"1.0","playerAttributes":[{"name":"skill","type":"number"},
      {"name":"mode","type":"number"}],"teams":[{"name":"t0","minPlayers":1,"maxPlayers":1},
      {"name":"t1","minPlayers":1,"maxPlayers":1}]}}]})")
                  .ok());
  service_->run_once();
  TicketPtr t = get(a);
  EXPECT_EQ(t->status, TicketStatus::kFailed);
  EXPECT_EQ(t->status_reason, kReasonUnmatchable);
  EXPECT_EQ(t->status_message.rfind("The matchmaking configuration changed: ", 0), 0u)
      << t->status_message;
}

TEST_F(ReloadTest, RemovingAConfigurationOrTheDefaultIsRefusedAndChangesNothing) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");
  service_->run_once();
  Status removed = reload(one_config("other", {1, 1}));
  EXPECT_EQ(removed.code(), Code::kInvalidArgument);
  EXPECT_NE(removed.message().find("duel"), std::string::npos) << removed.message();
  start("bob");
  service_->run_once();
  EXPECT_EQ(get(a)->status, TicketStatus::kCompleted) << "the service runs on as before";
}

TEST_F(ReloadTest, AddedConfigurationsTakeTicketsAtOnce) {
  make(one_config("duel", {1, 1}));
  // The configurations of two one-configuration documents, in one document.
  auto inner = [](const std::string& d) {
    return d.substr(d.find('[') + 1, d.rfind(']') - d.find('[') - 1);
  };
  std::string doc = R"({"configurations":[)" + inner(one_config("duel", {1, 1})) + "," +
                    inner(one_config("trio", {1, 1, 1})) + "]}";
  ASSERT_TRUE(reload(doc).ok()) << doc;
  std::string a = start("alice", "trio");
  start("bob", "trio");
  start("carol", "trio");
  service_->run_once();
  service_->run_once();
  EXPECT_EQ(get(a)->status, TicketStatus::kCompleted);
}

TEST_F(ReloadTest, APlacementRunningAtTheReloadIsAbandonedAndTheTicketsPlacedAgain) {
  make(one_config("duel", {1, 1}, R"("flexMatchMode": "WITH_QUEUE",)"));
  std::string a = start("alice");
  start("bob");
  service_->run_once();
  ASSERT_EQ(get(a)->status, TicketStatus::kPlacing);
  ASSERT_TRUE(reload(one_config("duel", {1, 1}, R"("flexMatchMode": "WITH_QUEUE",)")).ok());
  service_->run_once();
  service_->run_once();
  EXPECT_EQ(placer_.abandoned().size(), 1u);
  EXPECT_EQ(placer_.requests().size(), 2u);
  EXPECT_EQ(get(a)->status, TicketStatus::kPlacing);
}

TEST_F(ReloadTest, ReloadingWhileTheThreadsRunLosesNothing) {
  make(one_config("duel", {1, 1}), true);
  std::string a = start("alice");
  ASSERT_TRUE(reload(one_config("duel", {1, 1})).ok());
  ASSERT_TRUE(reload(one_config("duel", {1, 1})).ok());
  std::string b = start("bob");
  for (int i = 0; i < 200 && get(a)->status != TicketStatus::kCompleted; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(get(a)->status, TicketStatus::kCompleted);
  EXPECT_EQ(get(b)->status, TicketStatus::kCompleted);
  service_->stop();
}

}  // namespace
}  // namespace sapi::matchmaking
