// The ticket as the store keeps it: what goes in comes back, states written by earlier
// releases (JSON) still load, and corrupt states are errors, never crashes.

#include <gtest/gtest.h>

#include "flexmatch/rule_set_parser.h"
#include "matchmaking/service.h"
#include "matchmaking/service_test_util.h"
#include "matchmaking/test_rule_sets.h"
#include "matchmaking/ticket_view.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::matchmaking {
namespace {

using namespace std::chrono_literals;
using flexmatch::AttributeValue;

flexmatch::RuleSet rules(std::string_view body) {
  auto parsed = flexmatch::parse_rule_set(body);
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? std::move(*parsed.rule_set) : flexmatch::RuleSet{};
}

const flexmatch::RuleSet& full_rules() {
  static const flexmatch::RuleSet* r = new flexmatch::RuleSet(rules(testing::kEveryAttributeType));
  return *r;
}

Clock::TimePoint at_ms(int64_t ms) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

PlayerView player(std::string id, double skill) {
  PlayerView p;
  p.player_id = id;
  p.decoded.id = std::move(id);
  p.decoded.attributes = {AttributeValue::number(skill), AttributeValue::string("ranked"),
                          AttributeValue::string_list({"dune", "alps"}),
                          AttributeValue::string_number_map({{"eu", 31.5}, {"us", 90}})};
  p.decoded.latencies = {{"eu-west-1", 50}, {"us-east-1", 120}};
  return p;
}

// A ticket with every field the state keeps set to something other than its default.
TicketView full_ticket() {
  TicketView t;
  t.configuration = "duel";
  t.owner_player_id = "alice";
  t.status = TicketStatus::kCompleted;
  t.status_reason = std::string(kReasonMatched);
  t.status_message = "matched ✓";
  t.start_time = at_ms(1'795'850'765'694);
  t.end_time = at_ms(1'795'850'765'741);
  t.match_id = "ef5556a2-1";
  t.players = {player("alice", 3.25), player("bob", -7)};
  t.players[0].team = "red";
  t.players[0].player_session_id = "psess-1";
  t.players[0].accepted = true;
  t.players[1].team = "blue";
  t.players[1].accepted = false;
  t.players[1].decoded.attributes[1] = AttributeValue();  // absent, no default
  t.connection = ConnectionInfo{
      "arn:gs-1", "10.0.0.7", "gs-1.example", 7777, {{"alice", "psess-1"}, {"bob", "psess-2"}}};
  return t;
}

void expect_same(const TicketView& a, const TicketView& b) {
  EXPECT_EQ(a.configuration, b.configuration);
  EXPECT_EQ(a.owner_player_id, b.owner_player_id);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.status_reason, b.status_reason);
  EXPECT_EQ(a.status_message, b.status_message);
  EXPECT_EQ(a.start_time, b.start_time);
  EXPECT_EQ(a.end_time, b.end_time);
  EXPECT_EQ(a.match_id, b.match_id);
  EXPECT_EQ(a.backfill, b.backfill);
  EXPECT_EQ(a.game_session_arn, b.game_session_arn);
  ASSERT_EQ(a.players.size(), b.players.size());
  for (size_t i = 0; i < a.players.size(); ++i) {
    EXPECT_EQ(a.players[i].player_id, b.players[i].player_id);
    EXPECT_EQ(a.players[i].team, b.players[i].team);
    EXPECT_EQ(a.players[i].player_session_id, b.players[i].player_session_id);
    EXPECT_EQ(a.players[i].accepted, b.players[i].accepted);
    EXPECT_EQ(a.players[i].decoded.id, b.players[i].decoded.id);
    EXPECT_EQ(a.players[i].decoded.attributes, b.players[i].decoded.attributes);
    EXPECT_EQ(a.players[i].decoded.latencies, b.players[i].decoded.latencies);
    EXPECT_EQ(a.players[i].decoded.team, b.players[i].decoded.team);
  }
  ASSERT_EQ(a.connection.has_value(), b.connection.has_value());
  if (a.connection) {
    EXPECT_EQ(a.connection->game_session_arn, b.connection->game_session_arn);
    EXPECT_EQ(a.connection->ip_address, b.connection->ip_address);
    EXPECT_EQ(a.connection->dns_name, b.connection->dns_name);
    EXPECT_EQ(a.connection->port, b.connection->port);
    ASSERT_EQ(a.connection->player_sessions.size(), b.connection->player_sessions.size());
    for (size_t i = 0; i < a.connection->player_sessions.size(); ++i) {
      EXPECT_EQ(a.connection->player_sessions[i].player_id,
                b.connection->player_sessions[i].player_id);
      EXPECT_EQ(a.connection->player_sessions[i].player_session_id,
                b.connection->player_sessions[i].player_session_id);
    }
  }
}

TEST(TicketState, EveryKeptFieldComesBack) {
  TicketView t = full_ticket();
  auto back = deserialize_state(serialize_state(t, &full_rules()), &full_rules());
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  expect_same(*back, t);
}

TEST(TicketState, ABackfillTicketKeepsItsGameSessionAndItsPlayersTeams) {
  TicketView t = full_ticket();
  t.backfill = true;
  t.owner_player_id.clear();
  t.game_session_arn = "arn:gs-1";
  t.status = TicketStatus::kSearching;
  t.end_time.reset();
  t.connection.reset();
  auto back = deserialize_state(serialize_state(t, &full_rules()), &full_rules());
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  t.players[0].decoded.team = 0;  // red
  t.players[1].decoded.team = 1;  // blue
  expect_same(*back, t);
}

TEST(TicketState, IsMuchSmallerThanTheJsonOfEarlierReleases) {
  // A QUEUED ticket of the benchmark's duel configuration, as release 1 wrote it.
  constexpr std::string_view kJson =
      R"({"v":1,"configuration":"duel","owner":"bench-17","status":"QUEUED",)"
      R"("startTime":1795850765788,"players":[{"playerId":"bench-17","attributes":)"
      R"({"skill":{"N":3E0}},"latencyInMs":{"eu-west-1":50}}]})";
  auto duel = rules(R"({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}]})");
  auto old = deserialize_state(kJson, &duel);
  ASSERT_TRUE(old.ok()) << old.status().to_string();
  std::string compact = serialize_state(*old, &duel);
  EXPECT_LT(compact.size() * 2, kJson.size()) << compact.size();
  auto back = deserialize_state(compact, &duel);
  ASSERT_TRUE(back.ok());
  expect_same(*back, *old);
}

TEST(TicketState, AttributesAreKeptByNameAcrossARuleSetChange) {
  TicketView t = full_ticket();
  std::string state = serialize_state(t, &full_rules());
  // Another order, one attribute gone, one new with a default.
  auto changed = rules(R"({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "maps", "type": "string_list"},
                         {"name": "level", "type": "number", "default": 4},
                         {"name": "skill", "type": "number"}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2}]})");
  auto back = deserialize_state(state, &changed);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  const auto& attrs = back->players[0].decoded.attributes;
  ASSERT_EQ(attrs.size(), 3u);
  EXPECT_EQ(attrs[0], AttributeValue::string_list({"alps", "dune"}));
  EXPECT_EQ(attrs[1], AttributeValue::number(4));
  EXPECT_EQ(attrs[2], AttributeValue::number(3.25));
}

TEST(TicketState, AnAttributeStoredWithAnotherTypeThanDeclaredIsAnError) {
  std::string state = serialize_state(full_ticket(), &full_rules());
  auto retyped = rules(R"({"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "string"}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2}]})");
  auto back = deserialize_state(state, &retyped);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("skill"), std::string::npos) << back.status().message();
}

TEST(TicketState, WithoutARuleSetPlayersComeBackWithoutAttributes) {
  auto back = deserialize_state(serialize_state(full_ticket(), &full_rules()), nullptr);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_TRUE(back->players[0].decoded.attributes.empty());
  EXPECT_EQ(back->players[0].decoded.latencies.size(), 2u);
  EXPECT_EQ(back->status, TicketStatus::kCompleted);
}

TEST(TicketState, EveryTruncationAndEveryFlippedByteIsAnErrorOrAnotherTicket) {
  std::string state = serialize_state(full_ticket(), &full_rules());
  for (size_t n = 0; n < state.size(); ++n) {
    EXPECT_FALSE(deserialize_state(state.substr(0, n), &full_rules()).ok()) << n;
  }
  EXPECT_FALSE(deserialize_state(state + "x", &full_rules()).ok());
  for (size_t i = 1; i < state.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = state;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      (void)deserialize_state(bad, &full_rules());  // must not crash or hang
    }
  }
  std::string huge_count = state.substr(0, 2) + "\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  EXPECT_FALSE(deserialize_state(huge_count, &full_rules()).ok());
  EXPECT_FALSE(deserialize_state("", &full_rules()).ok());
  EXPECT_FALSE(deserialize_state("\x07garbage", &full_rules()).ok());
}

TEST(TicketState, ATimeNoClockCanHoldIsAnError) {
  TicketView t = full_ticket();
  t.end_time.reset();
  std::string state = serialize_state(t, &full_rules());
  // Format 2: the start time follows flags, configuration, owner, status, reason and message.
  size_t at = 2 + 1 + t.configuration.size() + 1 + t.owner_player_id.size() + 1 + 1 +
              t.status_reason.size() + 1 + t.status_message.size();
  std::string huge = state.substr(0, at) + std::string(9, '\xff') + '\x01' +
                     state.substr(at + 6);  // zig-zag of the largest int64
  auto bad = deserialize_state(huge, &full_rules());
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(deserialize_state(R"({"v":1,"configuration":"duel","owner":"a",)"
                                 R"("status":"QUEUED","startTime":9000000000000000000})",
                                 &full_rules())
                   .ok());
}

// States exactly as release 1 (JSON, "v":1) wrote them, copied from a data directory.
constexpr std::string_view kRelease1Completed =
    R"({"v":1,"configuration":"duel","owner":"a","status":"COMPLETED","statusReason":"MATCHED",)"
    R"("startTime":1795850765694,"endTime":1795850765741,"matchId":"ef5556a2-1","players":)"
    R"([{"playerId":"a","team":"red","playerSessionId":"psess-4127ccc3-7ee3-43d9-92e6-)"
    R"(21959389c053","accepted":true,"attributes":{"skill":{"N":3E0},"mode":{"S":"ranked"},)"
    R"("maps":{"SL":["alps","dune"]},"ping":{"SDM":{"eu":3.15E1,"us":9E1}}},"latencyInMs":)"
    R"({"eu-west-1":50,"us-east-1":120}}],"connection":{"gameSessionArn":"arn:gs-1",)"
    R"("ipAddress":"10.0.0.7","dnsName":"gs-1.example","port":7777,"playerSessions":)"
    R"([{"playerId":"a","playerSessionId":"psess-1"}]}})";

TEST(TicketState, AJsonStateOfAnEarlierReleaseStillLoads) {
  auto back = deserialize_state(kRelease1Completed, &full_rules());
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->status, TicketStatus::kCompleted);
  EXPECT_EQ(back->status_reason, "MATCHED");
  EXPECT_EQ(back->start_time, at_ms(1'795'850'765'694));
  EXPECT_EQ(back->end_time, at_ms(1'795'850'765'741));
  ASSERT_EQ(back->players.size(), 1u);
  const PlayerView& p = back->players[0];
  EXPECT_EQ(p.team, "red");
  EXPECT_EQ(p.accepted, true);
  EXPECT_EQ(p.decoded.attributes[0], AttributeValue::number(3));
  EXPECT_EQ(p.decoded.attributes[3], AttributeValue::string_number_map({{"eu", 31.5}, {"us", 90}}));
  ASSERT_TRUE(back->connection.has_value());
  EXPECT_EQ(back->connection->port, 7777);
  // Written again, it is in the compact form and reads back the same.
  auto again = deserialize_state(serialize_state(*back, &full_rules()), &full_rules());
  ASSERT_TRUE(again.ok());
  expect_same(*again, *back);
}

// A data directory of release 1 with a searching ticket and a finished one: the service
// resumes the first with its original start time and answers for the second.
TEST(TicketState, ADataDirectoryOfAnEarlierReleaseRecoversItsTickets) {
  store::testing::TempDir dir;
  store::StoreOptions so;
  so.data_dir = dir.path();
  ManualClock clock{at_ms(1'795'850'766'000)};
  {
    auto s = store::open_store(so);
    ASSERT_TRUE(s.ok());
    auto& tickets = (*s)->tickets();
    ASSERT_TRUE(tickets
                    .put_ticket_sync({"t-searching", "duel", "carol", "QUEUED", false,
                                      at_ms(1'795'850'765'788),
                                      R"({"v":1,"configuration":"duel","owner":"carol",)"
                                      R"("status":"QUEUED","startTime":1795850765788,)"
                                      R"("players":[{"playerId":"carol","attributes":)"
                                      R"({"skill":{"N":3E0},"mode":{"S":"ranked"}},"latencyInMs":)"
                                      R"({"eu-west-1":50}}]})",
                                      at_ms(1'795'850'765'788)})
                    .ok());
    ASSERT_TRUE(
        tickets
            .put_ticket_sync({"t-done", "duel", "a", "COMPLETED", true, at_ms(1'795'850'765'694),
                              std::string(kRelease1Completed), at_ms(1'795'850'765'741)})
            .ok());
    (*s)->close();
  }
  auto s = store::open_store(so);
  ASSERT_TRUE(s.ok());
  ServiceOptions o;
  o.default_configuration = "duel";
  o.run_threads = false;
  auto m = MatchmakingService::create(
      testing::configs(testing::one_config("duel", {1, 1}, R"("requestTimeoutSeconds": 100,)")), o,
      &(*s)->tickets(), clock);
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  auto resumed = (*m)->describe("t-searching");
  ASSERT_TRUE(resumed.ok()) << resumed.status().to_string();
  EXPECT_EQ((*resumed)->status, TicketStatus::kSearching);
  EXPECT_EQ((*resumed)->start_time, at_ms(1'795'850'765'788));
  EXPECT_EQ((*resumed)->owner_player_id, "carol");
  auto done = (*m)->describe("t-done");
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  EXPECT_EQ((*done)->status, TicketStatus::kCompleted);
  EXPECT_EQ((*done)->players[0].player_session_id, "psess-4127ccc3-7ee3-43d9-92e6-21959389c053");
  // The resumed ticket still matches: a newcomer completes the duel with it.
  auto d = testing::start_ticket(**m, testing::request("dave"));
  ASSERT_TRUE(d);
  (*m)->run_once();
  EXPECT_EQ((*(*m)->describe("t-searching"))->status, TicketStatus::kCompleted);
  m->reset();
  (*s)->close();
}

}  // namespace
}  // namespace sapi::matchmaking
