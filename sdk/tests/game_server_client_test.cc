// The game-server client against the real service over HTTP: SigV4 identity, session
// summaries (with retries), registration and heartbeats, and the whole life of a game session
// placed on the server: long poll, activation, player sessions, backfill, end.

#include "session_api/game_server_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "service_fixture.h"
#include "service_test.h"
#include "session_api/player_client.h"
#include "test_config.h"

namespace session_api {
namespace {

using testing::Service;
using Clock = std::chrono::steady_clock;

class GameServerClientTest : public testing::ServiceTest {
 protected:
  static GameServerClientOptions options(const std::string& name) {
    GameServerClientOptions o;
    o.client = service_->options();
    o.credentials = service_->credentials(name, &o.region);
    // The service picks up new credentials within a second of the file's change.
    GameServerClient probe(o);
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!probe.identity().ok() && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return o;
  }
  std::unique_ptr<GameServerClient> server(const std::string& name) {
    return std::make_unique<GameServerClient>(options(name));
  }
  std::unique_ptr<PlayerClient> player(const std::string& id) {
    return std::make_unique<PlayerClient>(service_->options(), service_->token(id));
  }
  static RegisterRequest registration(const std::string& id, const std::string& location) {
    RegisterRequest r;
    r.game_server_id = id;
    r.ip_address = "10.1.2.3";
    r.port = 7777;
    r.dns_name = id + ".example.org";
    r.location = location;
    r.max_players = 4;
    r.labels = {{"build", "sdk-test"}};
    return r;
  }

  // Two players start on the WITH_QUEUE configuration; the server `id` (registered by the
  // caller) receives the game session.
  std::optional<GameSession> place_duel(GameServerClient& client, const std::string& id,
                                        const std::string& red, const std::string& blue) {
    for (const std::string& name : {red, blue}) {
      StartRequest start;
      start.configuration_name = "duel-placed";
      start.latency_in_ms = {{"eu-west-1", 30}};
      start.player_id = name;
      auto started = player(name)->start(start);
      EXPECT_TRUE(started.ok()) << started.error().message;
      if (!started.ok()) return std::nullopt;
    }
    auto placed = client.wait_for_game_session(id, 15);
    EXPECT_TRUE(placed.ok()) << placed.error().code << ": " << placed.error().message;
    if (!placed.ok()) return std::nullopt;
    return *placed;
  }
};

TEST_F(GameServerClientTest, SignedCallsIdentifyTheKeyAndBadSecretsAreRefused) {
  GameServerClientOptions o = options("sdk-identity");
  GameServerClient client(o);
  auto who = client.identity();
  ASSERT_TRUE(who.ok()) << who.error().code << ": " << who.error().message;
  EXPECT_EQ(who->access_key_id, o.credentials.access_key_id);
  EXPECT_EQ(who->name, "sdk-identity");

  Credentials wrong = o.credentials;
  wrong.secret_access_key += "x";
  client.set_credentials(wrong);
  auto refused = client.identity();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.http_status(), 403);
}

TEST_F(GameServerClientTest, PostsSessionSummariesAndTreats4xxAsFinal) {
  auto client = server("sdk-summaries");
  SessionSummary summary{"sdk-summary-player",
                         "0123456789abcdef0123456789abcdef",
                         {"first_objective_complete", "team_victory"},
                         "2026-04-08T12:00:00.000Z"};
  auto stored = client->post_session_summary(summary);
  ASSERT_TRUE(stored.ok()) << stored.error().code << ": " << stored.error().message;
  EXPECT_EQ(stored->player_id, "sdk-summary-player");
  EXPECT_EQ(stored->rewards_stored, 2);
  EXPECT_EQ(stored->ttl, 1775649600 + 259200);

  auto replay = client->post_session_summary(summary);  // idempotent under replay
  ASSERT_TRUE(replay.ok());

  SessionSummary missing{"sdk-summary-player", "", {}, ""};
  auto t0 = Clock::now();
  auto refused = client->post_session_summary(missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.http_status(), 400);
  EXPECT_EQ(refused.error().code, "INVALID_REQUEST");
  EXPECT_EQ(refused.error().message, "playerId and sessionId are required");
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(900));  // not retried
}

TEST_F(GameServerClientTest, SummariesAreRetriedOnNetworkErrors) {
  GameServerClientOptions o;
  o.client.base_url = "http://127.0.0.1:" + std::to_string(testing::unused_loopback_port());
  o.credentials = {"AKIDEXAMPLE", "secret", ""};
  o.summary_retries = 3;
  o.summary_retry_base_ms = 50;
  GameServerClient client(o);
  auto t0 = Clock::now();
  auto r = client.post_session_summary({"p", "s", {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kNetworkError);
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(50 + 100 + 200));
}

TEST_F(GameServerClientTest, RegistersHeartbeatsAndDeregisters) {
  auto client = server("sdk-lifecycle");
  auto registered = client->register_server(registration("sdk-gs-life", "eu-west-1"));
  ASSERT_TRUE(registered.ok()) << registered.error().code << ": " << registered.error().message;
  EXPECT_EQ(registered->game_server_id, "sdk-gs-life");
  EXPECT_EQ(registered->location, "eu-west-1");
  EXPECT_EQ(registered->status, "ACTIVE");
  EXPECT_GT(registered->heartbeat_interval_seconds, 0);
  EXPECT_GT(registered->heartbeat_timeout_seconds, registered->heartbeat_interval_seconds);

  auto beat = client->heartbeat("sdk-gs-life", 0, "HEALTHY");
  ASSERT_TRUE(beat.ok()) << beat.error().message;
  EXPECT_EQ(beat->game_server_id, "sdk-gs-life");

  auto t0 = Clock::now();
  auto nothing = client->wait_for_game_session("sdk-gs-life", 1);
  ASSERT_TRUE(nothing.ok()) << nothing.error().message;
  EXPECT_FALSE(nothing->has_value());
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(900));

  // Each server acts for itself only.
  auto intruder = server("sdk-intruder");
  auto forbidden = intruder->heartbeat("sdk-gs-life");
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.http_status(), 403);
  EXPECT_EQ(forbidden.error().code, "FORBIDDEN");

  auto generated = client->register_server(registration("", "us-east-1"));
  ASSERT_TRUE(generated.ok()) << generated.error().message;
  EXPECT_EQ(generated->game_server_id.rfind("gsrv-", 0), 0u);
  EXPECT_TRUE(client->deregister(generated->game_server_id).ok());

  auto gone = client->deregister("sdk-gs-life");
  ASSERT_TRUE(gone.ok()) << gone.error().message;
  EXPECT_EQ(gone->status, "DEREGISTERED");
  auto after = client->heartbeat("sdk-gs-life");
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.http_status(), 404);
  EXPECT_EQ(after.error().code, "GAME_SERVER_NOT_FOUND");

  auto invalid = client->register_server(registration("bad id with spaces", "eu-west-1"));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.http_status(), 400);
}

TEST_F(GameServerClientTest, AGameSessionFromPlacementToEnd) {
  auto client = server("sdk-host");
  ASSERT_TRUE(client->register_server(registration("sdk-gs-main", "eu-west-1")).ok());

  auto red = player("sdk-gs-red");
  auto blue = player("sdk-gs-blue");
  StartRequest start;
  start.configuration_name = "duel-placed";
  start.latency_in_ms = {{"eu-west-1", 30}};
  start.player_id = "sdk-gs-red";
  auto red_ticket = red->start(start);
  start.player_id = "sdk-gs-blue";
  auto blue_ticket = blue->start(start);
  ASSERT_TRUE(red_ticket.ok() && blue_ticket.ok());

  auto placed = client->wait_for_game_session("sdk-gs-main", 15);
  ASSERT_TRUE(placed.ok()) << placed.error().code << ": " << placed.error().message;
  ASSERT_TRUE(placed->has_value()) << "no game session placed";
  GameSession session = **placed;
  EXPECT_EQ(session.game_session_id.rfind("gsess-", 0), 0u);
  EXPECT_EQ(session.game_session_arn.rfind("arn:aws:gamelift:eu-west-1::gamesession/", 0), 0u);
  EXPECT_EQ(session.game_server_id, "sdk-gs-main");
  EXPECT_EQ(session.ip_address, "10.1.2.3");
  EXPECT_EQ(session.port, 7777);
  EXPECT_EQ(session.status, "ACTIVATING");
  EXPECT_FALSE(session.matchmaker_data.empty());
  ASSERT_EQ(session.player_sessions.size(), 2u);
  for (const auto& p : session.player_sessions) EXPECT_EQ(p.status, "RESERVED");
  ASSERT_EQ(session.game_properties.size(), 1u);
  EXPECT_EQ(session.game_properties[0].key, "map");

  auto active = client->activate(session.game_session_id);
  ASSERT_TRUE(active.ok()) << active.error().code << ": " << active.error().message;
  EXPECT_EQ(active->status, "ACTIVE");

  auto red_done = red->wait_until_final(red_ticket->ticket_id, 10);
  ASSERT_TRUE(red_done.ok()) << red_done.error().message;
  ASSERT_EQ(red_done->status, "COMPLETED");
  ASSERT_TRUE(red_done->connection.has_value());
  EXPECT_EQ(red_done->connection->game_session_arn, session.game_session_arn);
  EXPECT_EQ(red_done->connection->ip_address, "10.1.2.3");
  EXPECT_EQ(red_done->connection->port, 7777);
  std::string red_session = red_done->player_session_id("sdk-gs-red");
  ASSERT_EQ(red_session.rfind("psess-", 0), 0u);

  // The player connects and presents its player session: valid once.
  auto accepted = client->accept_player_session(session.game_session_id, red_session);
  ASSERT_TRUE(accepted.ok()) << accepted.error().code << ": " << accepted.error().message;
  EXPECT_EQ(accepted->status, "ACTIVE");
  EXPECT_EQ(accepted->player_id, "sdk-gs-red");
  auto twice = client->accept_player_session(session.game_session_id, red_session);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.http_status(), 409);
  EXPECT_EQ(twice.error().code, "PLAYER_SESSION_NOT_RESERVED");
  auto forged = client->accept_player_session(session.game_session_id, "psess-forged");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.http_status(), 404);
  EXPECT_EQ(forged.error().code, "PLAYER_SESSION_NOT_FOUND");

  // Another key cannot touch this server's game session.
  auto intruder = server("sdk-gs-intruder");
  EXPECT_EQ(intruder->end(session.game_session_id).http_status(), 403);

  auto now = client->game_session(session.game_session_id);
  ASSERT_TRUE(now.ok()) << now.error().message;
  auto t0 = Clock::now();
  auto unchanged = client->game_session(session.game_session_id, 1, now->version);
  ASSERT_TRUE(unchanged.ok()) << unchanged.error().message;
  EXPECT_EQ(unchanged->version, now->version);
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(900));

  auto before = client->game_session(session.game_session_id);
  ASSERT_TRUE(before.ok());
  auto left = client->remove_player_session(session.game_session_id, red_session);
  ASSERT_TRUE(left.ok()) << left.error().message;
  EXPECT_EQ(left->status, "COMPLETED");
  // A change since the known version answers at once, with the new version.
  t0 = Clock::now();
  auto changed = client->game_session(session.game_session_id, 5, before->version);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_NE(changed->version, before->version);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
  bool completed = false;
  for (const auto& p : changed->player_sessions) {
    completed |= p.player_session_id == red_session && p.status == "COMPLETED";
  }
  EXPECT_TRUE(completed);

  auto summary = client->post_session_summary(
      {"sdk-gs-red", "fedcba9876543210fedcba9876543210", {"session_complete"}, ""});
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->rewards_stored, 1);

  // The player reads back what the server reported.
  auto rewards = red->rewards("sdk-gs-red");
  ASSERT_TRUE(rewards.ok()) << rewards.error().code << ": " << rewards.error().message;
  ASSERT_EQ(rewards->size(), 1u);
  EXPECT_EQ((*rewards)[0].reward_id, "session_complete");
  EXPECT_EQ((*rewards)[0].session_id, "fedcba9876543210fedcba9876543210");
  EXPECT_FALSE((*rewards)[0].granted_at.empty());
  auto sessions = red->sessions("sdk-gs-red", 10);
  ASSERT_TRUE(sessions.ok()) << sessions.error().message;
  ASSERT_EQ(sessions->sessions.size(), 1u);
  EXPECT_EQ(sessions->sessions[0].session_id, "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(sessions->sessions[0].rewards, std::vector<std::string>{"session_complete"});
  EXPECT_GT(sessions->sessions[0].ttl, 0);
  EXPECT_TRUE(sessions->next_cursor.empty());
  auto not_hers = blue->rewards("sdk-gs-red");
  ASSERT_FALSE(not_hers.ok());
  EXPECT_EQ(not_hers.http_status(), 403);
  EXPECT_EQ(red->sessions("sdk-gs-red", 0).http_status(), 400);

  auto ended = client->end(session.game_session_id);
  ASSERT_TRUE(ended.ok()) << ended.error().message;
  EXPECT_EQ(ended->status, "TERMINATED");
  EXPECT_TRUE(client->deregister("sdk-gs-main").ok());
}

TEST_F(GameServerClientTest, OneBackfillAtATimePerGameSession) {
  auto client = server("sdk-backfill");
  ASSERT_TRUE(client->register_server(registration("sdk-gs-backfill", "eu-west-1")).ok());
  auto placed = place_duel(*client, "sdk-gs-backfill", "sdk-bf-red", "sdk-bf-blue");
  ASSERT_TRUE(placed.has_value()) << "no game session placed";
  GameSession session = *placed;
  ASSERT_TRUE(client->activate(session.game_session_id).ok());

  auto backfill = client->start_backfill(session.game_session_id, {});
  ASSERT_TRUE(backfill.ok()) << backfill.error().code << ": " << backfill.error().message;
  EXPECT_FALSE(backfill->ticket_id.empty());
  auto second = client->start_backfill(session.game_session_id, {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.http_status(), 409);
  EXPECT_EQ(second.error().code, "BACKFILL_IN_PROGRESS");
  auto stopped = client->stop_backfill(session.game_session_id, backfill->ticket_id);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_EQ(stopped->status, "CANCELLED");

  EXPECT_TRUE(client->end(session.game_session_id).ok());
}

}  // namespace
}  // namespace session_api
