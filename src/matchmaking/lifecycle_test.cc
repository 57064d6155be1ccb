// The ticket lifecycle on a manual clock, without threads: every status and transition.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "matchmaking/service.h"
#include "matchmaking/service_test_util.h"

namespace sapi::matchmaking {
namespace {

using namespace std::chrono_literals;
using testing::configs;
using testing::one_config;
using testing::request;
using testing::wait_result;

class LifecycleTest : public ::testing::Test {
 protected:
  void make(const std::string& document, const std::string& default_name = "duel") {
    ServiceOptions o;
    o.default_configuration = default_name;
    o.run_threads = false;
    o.finished_retention = 3600s;
    auto s = MatchmakingService::create(configs(document), o, nullptr, clock_);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    service_ = std::move(*s);
    service_->events().subscribe([this](const MatchmakingEvent& e) { events_.push_back(e); });
  }

  std::string start(StartRequest r) {
    auto t = testing::start_ticket(*service_, std::move(r));
    EXPECT_EQ(t->status, TicketStatus::kQueued);
    return t->ticket_id;
  }
  std::string start(const std::string& player) { return start(request(player)); }

  TicketPtr get(const std::string& id) { return testing::describe_ticket(*service_, id); }
  TicketStatus status(const std::string& id) { return get(id)->status; }

  Result<TicketPtr> accept(const std::string& id, const std::string& player, bool yes) {
    std::promise<Result<TicketPtr>> p;
    service_->accept(id, {player}, yes, [&](Result<TicketPtr> r) { p.set_value(r); });
    service_->run_once();
    return p.get_future().get();
  }

  std::vector<std::string> event_types() {
    std::vector<std::string> out;
    for (const auto& e : events_) out.emplace_back(e.type);
    return out;
  }

  ManualClock clock_{Clock::TimePoint{} + 1'700'000'000s};
  std::unique_ptr<MatchmakingService> service_;
  std::vector<MatchmakingEvent> events_;
};

TEST_F(LifecycleTest, TwoTicketsOfADuelCompleteInStandaloneMode) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");
  EXPECT_EQ(status(a), TicketStatus::kQueued);
  service_->run_once();
  EXPECT_EQ(status(a), TicketStatus::kSearching);
  clock_.advance(3s);
  std::string b = start("bob");
  service_->run_once();

  for (const auto& id : {a, b}) {
    TicketPtr t = get(id);
    EXPECT_EQ(t->status, TicketStatus::kCompleted);
    ASSERT_TRUE(t->end_time.has_value());
    EXPECT_EQ(*t->end_time, clock_.now());
    EXPECT_FALSE(t->match_id.empty());
    EXPECT_EQ(t->players[0].player_session_id.rfind("psess-", 0), 0u);
    EXPECT_FALSE(t->players[0].team.empty());
  }
  EXPECT_EQ(get(a)->match_id, get(b)->match_id);
  EXPECT_NE(get(a)->players[0].team, get(b)->players[0].team);
  EXPECT_EQ(event_types(),
            (std::vector<std::string>{"MatchmakingSearching", "MatchmakingSearching",
                                      "PotentialMatchCreated", "MatchmakingSucceeded"}));
  boost::json::object env = events_.back().envelope();
  EXPECT_EQ(env.at("detail-type"), "GameLift Matchmaking Event");
  EXPECT_EQ(env.at("source"), "aws.gamelift");
  EXPECT_EQ(env.at("detail").at("tickets").as_array().size(), 2u);
  EXPECT_EQ(env.at("resources").as_array()[0],
            "arn:aws:gamelift:eu-west-1::matchmakingconfiguration/duel");
  // The wait of the two tickets (3 s and 0 s): the median rounds up to 3 s.
  EXPECT_EQ(service_->estimated_wait_seconds("duel"), 3);
}

TEST_F(LifecycleTest, EstimatedWaitIsUnknownBeforeAnyMatch) {
  make(one_config("duel", {1, 1}));
  start("alice");
  service_->run_once();
  EXPECT_EQ(service_->estimated_wait_seconds("duel"), std::nullopt);
}

TEST_F(LifecycleTest, RequestTimeOutEndsTheTicketTimedOut) {
  make(one_config("duel", {1, 1}, R"("requestTimeoutSeconds": 30,)"));
  std::string a = start("alice");
  service_->run_once();
  clock_.advance(29s);
  service_->run_once();
  EXPECT_EQ(status(a), TicketStatus::kSearching);
  clock_.advance(1s);
  service_->run_once();
  TicketPtr t = get(a);
  EXPECT_EQ(t->status, TicketStatus::kTimedOut);
  EXPECT_EQ(t->status_reason, kReasonRequestTimedOut);
  EXPECT_EQ(event_types().back(), "MatchmakingTimedOut");
  // A timed-out ticket never matches later.
  start("bob");
  service_->run_once();
  EXPECT_EQ(status(a), TicketStatus::kTimedOut);
}

TEST_F(LifecycleTest, CancelEndsASearchingTicketAndIsIdempotent) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");
  service_->run_once();
  std::promise<Result<TicketPtr>> p;
  service_->cancel(a, [&](Result<TicketPtr> r) { p.set_value(r); });
  service_->run_once();
  auto r = p.get_future().get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->status, TicketStatus::kCancelled);
  EXPECT_EQ((*r)->status_reason, kReasonCancelled);
  auto again = wait_result([&](auto done) { service_->cancel(a, done); });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->status, TicketStatus::kCancelled);
  EXPECT_EQ((*again)->version, (*r)->version) << "a second cancel changes nothing";
  // The cancelled ticket no longer matches.
  start("bob");
  service_->run_once();
  EXPECT_EQ(status(a), TicketStatus::kCancelled);
  auto missing = wait_result([&](auto done) { service_->cancel("nope", done); });
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST_F(LifecycleTest, StartingAgainReplacesThePlayersActiveTicket) {
  make(one_config("duel", {1, 1}));
  std::string first = start("alice");
  service_->run_once();
  std::string second = start("alice");
  service_->run_once();
  EXPECT_EQ(status(first), TicketStatus::kCancelled);
  EXPECT_EQ(get(first)->status_reason, kReasonReplaced);
  EXPECT_EQ(status(second), TicketStatus::kSearching);
  // The player is not stuck: the new ticket matches.
  start("bob");
  service_->run_once();
  EXPECT_EQ(status(second), TicketStatus::kCompleted);
}

TEST_F(LifecycleTest, StartingAgainWithTheSameTicketIdReturnsTheTicket) {
  make(one_config("duel", {1, 1}));
  StartRequest r = request("alice");
  r.ticket_id = "ticket-1";
  start(r);
  service_->run_once();
  auto again = wait_result([&](auto done) { service_->start(r, done); });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->status, TicketStatus::kSearching);
  StartRequest other = request("mallory");
  other.ticket_id = "ticket-1";
  auto taken = wait_result([&](auto done) { service_->start(other, done); });
  EXPECT_EQ(taken.status().code(), Code::kAlreadyExists);
}

TEST_F(LifecycleTest, StartRefusesBadRequests) {
  make(one_config("duel", {1, 1}));
  auto unknown = wait_result([&](auto d) { service_->start(request("a", "nope"), d); });
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
  StartRequest bad_id = request("a");
  bad_id.ticket_id = "has space";
  EXPECT_EQ(wait_result([&](auto d) { service_->start(bad_id, d); }).status().code(),
            Code::kInvalidArgument);
  StartRequest not_owner = request("a");
  not_owner.owner_player_id = "b";
  EXPECT_EQ(wait_result([&](auto d) { service_->start(not_owner, d); }).status().code(),
            Code::kInvalidArgument);
  StartRequest too_many = request("a");
  for (int i = 0; i < 10; ++i) too_many.players.push_back(testing::player("p" + std::to_string(i)));
  EXPECT_EQ(wait_result([&](auto d) { service_->start(too_many, d); }).status().code(),
            Code::kInvalidArgument);
}

TEST_F(LifecycleTest, ATicketThatCanNeverMatchFailsAtOnceWithTheReason) {
  make(one_config("duel", {1, 1}));
  StartRequest r = request("alice");
  r.players[0].attributes[1] = flexmatch::AttributeValue();  // `mode` has no default
  std::string a = start(r);
  service_->run_once();
  TicketPtr t = get(a);
  EXPECT_EQ(t->status, TicketStatus::kFailed);
  EXPECT_EQ(t->status_reason, kReasonUnmatchable);
  EXPECT_NE(t->status_message.find("mode"), std::string::npos) << t->status_message;
  EXPECT_EQ(event_types().back(), "MatchmakingFailed");
}

TEST_F(LifecycleTest, APartyGoesToOneTeamWhole) {
  make(one_config("squads", {2, 2}), "squads");
  StartRequest party = request("a", "squads");
  party.players.push_back(testing::player("b"));
  std::string p1 = start(party);
  StartRequest party2 = request("c", "squads");
  party2.players.push_back(testing::player("d"));
  std::string p2 = start(party2);
  service_->run_once();
  TicketPtr t = get(p1);
  ASSERT_EQ(t->status, TicketStatus::kCompleted);
  EXPECT_EQ(t->players[0].team, t->players[1].team);
  EXPECT_NE(t->players[0].team, get(p2)->players[0].team);
}

class AcceptanceTest : public LifecycleTest {
 protected:
  void SetUp() override {
    make(one_config("duel", {1, 1},
                    R"("acceptanceRequired": true, "acceptanceTimeoutSeconds": 10,)"));
    a_ = start("alice");
    b_ = start("bob");
    service_->run_once();
  }
  std::string a_, b_;
};

TEST_F(AcceptanceTest, APotentialMatchWaitsForAcceptance) {
  EXPECT_EQ(status(a_), TicketStatus::kRequiresAcceptance);
  EXPECT_EQ(status(b_), TicketStatus::kRequiresAcceptance);
  EXPECT_EQ(get(a_)->players[0].accepted, false);
  boost::json::object detail = events_.back().envelope().at("detail").as_object();
  EXPECT_EQ(detail.at("type"), "PotentialMatchCreated");
  EXPECT_EQ(detail.at("acceptanceRequired"), true);
  EXPECT_EQ(detail.at("acceptanceTimeout"), 10);
}

TEST_F(AcceptanceTest, AllAcceptCompletes) {
  ASSERT_TRUE(accept(a_, "alice", true).ok());
  EXPECT_EQ(status(a_), TicketStatus::kRequiresAcceptance);
  ASSERT_TRUE(accept(b_, "bob", true).ok());
  EXPECT_EQ(status(a_), TicketStatus::kCompleted);
  EXPECT_EQ(status(b_), TicketStatus::kCompleted);
  auto types = event_types();
  EXPECT_EQ(std::count(types.begin(), types.end(), "AcceptMatch"), 2);
  EXPECT_EQ(types[types.size() - 2], "AcceptMatchCompleted");
  EXPECT_EQ(types.back(), "MatchmakingSucceeded");
  EXPECT_EQ(events_[events_.size() - 2].envelope().at("detail").at("acceptance"), "Accepted");
}

TEST_F(AcceptanceTest, ARejectionSendsAcceptedTicketsBackAndCancelsTheOthers) {
  ASSERT_TRUE(accept(a_, "alice", true).ok());
  ASSERT_TRUE(accept(b_, "bob", false).ok());
  EXPECT_EQ(status(a_), TicketStatus::kSearching);
  EXPECT_TRUE(get(a_)->match_id.empty());
  EXPECT_EQ(status(b_), TicketStatus::kCancelled);
  EXPECT_EQ(get(b_)->status_reason, kReasonAcceptanceRejected);
  // The returned ticket keeps its start time and can match again.
  std::string c = start("carol");
  service_->run_once();
  EXPECT_EQ(status(c), TicketStatus::kRequiresAcceptance);
  EXPECT_EQ(get(a_)->match_id, get(c)->match_id);
}

TEST_F(AcceptanceTest, ATimeOutCancelsTicketsThatDidNotAccept) {
  ASSERT_TRUE(accept(b_, "bob", true).ok());
  clock_.advance(9s);
  service_->run_once();
  EXPECT_EQ(status(a_), TicketStatus::kRequiresAcceptance);
  clock_.advance(1s);
  service_->run_once();
  EXPECT_EQ(status(a_), TicketStatus::kCancelled);
  EXPECT_EQ(get(a_)->status_reason, kReasonAcceptanceTimedOut);
  EXPECT_EQ(status(b_), TicketStatus::kSearching);
  EXPECT_EQ(events_[events_.size() - 3].envelope().at("detail").at("acceptance"), "TimedOut");
}

TEST_F(AcceptanceTest, CancellingDuringAcceptanceRejectsTheMatch) {
  ASSERT_TRUE(accept(b_, "bob", true).ok());
  auto r = wait_result([&](auto done) {
    service_->cancel(a_, done);
    service_->run_once();
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(status(a_), TicketStatus::kCancelled);
  EXPECT_EQ(get(a_)->status_reason, kReasonCancelled);
  EXPECT_EQ(status(b_), TicketStatus::kSearching);
}

TEST_F(AcceptanceTest, AcceptingIsRefusedOutsideAcceptanceAndForStrangers) {
  EXPECT_EQ(accept(a_, "mallory", true).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(accept(a_, "alice", true).ok());
  ASSERT_TRUE(accept(b_, "bob", true).ok());
  EXPECT_EQ(accept(a_, "alice", true).status().code(), Code::kFailedPrecondition);
}

TEST_F(LifecycleTest, WithQueueMatchesFailAtOnceWithoutAPlacementService) {
  make(
      one_config("duel", {1, 1}, R"("flexMatchMode": "WITH_QUEUE", "requestTimeoutSeconds": 60,)"));
  std::string a = start("alice");
  start("bob");
  service_->run_once();
  TicketPtr t = get(a);
  EXPECT_EQ(t->status, TicketStatus::kFailed);
  EXPECT_EQ(t->status_reason, kReasonPlacementFailed);
  EXPECT_NE(t->status_message.find("No placement service"), std::string::npos);
  EXPECT_EQ(event_types().back(), "MatchmakingFailed");
}

TEST_F(LifecycleTest, LongPollEndsOnTheNextChangeOrAtItsDeadline) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");
  TicketPtr seen = get(a);
  TicketPtr woken;
  service_->wait_for_change(a, seen->version, clock_.now() + 5s, [&](TicketPtr t) { woken = t; });
  EXPECT_EQ(woken, nullptr);
  service_->run_once();
  ASSERT_NE(woken, nullptr);
  EXPECT_EQ(woken->status, TicketStatus::kSearching);

  TicketPtr timed_out;
  bool called = false;
  service_->wait_for_change(a, woken->version, clock_.now() + 5s, [&](TicketPtr t) {
    called = true;
    timed_out = t;
  });
  clock_.advance(4s);
  service_->run_once();
  EXPECT_FALSE(called);
  clock_.advance(1s);
  service_->run_once();
  EXPECT_TRUE(called);
  EXPECT_EQ(timed_out->status, TicketStatus::kSearching);
}

TEST_F(LifecycleTest, FinishedTicketsArePurgedAfterTheRetention) {
  make(one_config("duel", {1, 1}));
  std::string a = start("alice");
  start("bob");
  service_->run_once();
  clock_.advance(3599s);
  service_->run_once();
  EXPECT_TRUE(service_->describe(a).ok());
  clock_.advance(1s);
  service_->run_once();
  EXPECT_EQ(service_->describe(a).status().code(), Code::kNotFound);
}

TEST(ServiceCreate, RefusesAMissingDefaultConfiguration) {
  ServiceOptions o;
  o.default_configuration = "missing";
  o.run_threads = false;
  auto s =
      MatchmakingService::create(configs(one_config("duel", {1, 1})), o, nullptr, Clock::system());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_NE(s.status().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace sapi::matchmaking
