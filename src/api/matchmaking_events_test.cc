#include "api/matchmaking_events.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <thread>

#include "auth/local_issuer.h"
#include "http/server.h"
#include "http/testing.h"

namespace sapi::api {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using http::testing::Client;

constexpr const char* kIssuer = "http://127.0.0.1:8080/local";

matchmaking::MatchmakingEvent event(std::string_view type, std::vector<std::string> players,
                                    std::string ticket) {
  matchmaking::MatchmakingEvent e;
  e.type = matchmaking::event_type(type);
  e.source = std::make_shared<const matchmaking::EventSource>(matchmaking::EventSource{
      "session-api-dev", "arn:aws:gamelift:eu-west-1::matchmakingconfiguration/session-api-dev",
      "000000000000", "eu-west-1", ""});
  matchmaking::EventTicket& t = e.tickets.emplace_back();
  t.ticket_id = std::move(ticket);
  for (auto& p : players) t.players.push_back({std::move(p), "", "", std::nullopt});
  return e;
}

bool read_until(Client& client, std::string_view needle, std::chrono::milliseconds timeout = 5s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (client.buffered().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= until) return false;
    if (client.closed_within(20ms)) return client.buffered().find(needle) != std::string::npos;
  }
  return true;
}

// The SSE event ids in what a client has received, in order.
std::vector<std::string> event_ids(const std::string& bytes) {
  std::vector<std::string> ids;
  for (size_t at = bytes.find("id: "); at != std::string::npos; at = bytes.find("id: ", at + 1)) {
    if (at > 0 && bytes[at - 1] != '\n') continue;
    ids.push_back(bytes.substr(at + 4, bytes.find('\n', at) - at - 4));
  }
  return ids;
}

class MatchmakingEventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("sapi-events-" + std::to_string(::getpid()));
    issuer_ = auth::LocalIssuer::load_or_create(dir_, kIssuer, "local-client").value().release();
  }
  static void TearDownTestSuite() {
    delete issuer_;
    fs::remove_all(dir_);
  }

  void start(MatchmakingEventsOptions options = {}) {
    auth::JwtVerifier::Options verifier_options;
    verifier_options.policy.issuer = kIssuer;
    verifier_options.policy.client_ids = {"local-client"};
    auth_ = std::make_unique<PlayerAuth>(
        std::make_unique<auth::JwtVerifier>(
            verifier_options, std::make_unique<auth::StaticKeyProvider>(issuer_->key_set()),
            clock_),
        false);
    streams_ = std::make_unique<MatchmakingEventStreams>(bus_, clock_, options);
    http::Router router;
    streams_->add_routes(router, *auth_);
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 2;
    server_ = http::make_server(server_options, std::move(router), nullptr);
    ASSERT_TRUE(server_->start().ok());
  }

  void TearDown() override {
    if (server_) server_->shutdown(1000ms);
    streams_.reset();
  }

  std::string token_for(const std::string& player, std::chrono::seconds ttl = 3600s) {
    return issuer_->issue(player, ttl, clock_.now(), {}).value();
  }

  std::unique_ptr<Client> subscribe(const std::string& player, std::string extra = "",
                                    size_t expect_open = 0) {
    size_t before = streams_->open_streams();
    auto client = std::make_unique<Client>(server_->port());
    client->send(http::testing::get("/matchmaking/events",
                                    "Authorization: Bearer " + token_for(player) + "\r\n" + extra));
    EXPECT_TRUE(read_until(*client, "retry: 3000\n"));
    size_t want = expect_open ? expect_open : before + 1;
    auto until = std::chrono::steady_clock::now() + 2s;
    while (streams_->open_streams() < want && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(2ms);
    }
    return client;
  }

  bool wait_open(size_t n) {
    auto until = std::chrono::steady_clock::now() + 5s;
    while (streams_->open_streams() != n) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  static inline fs::path dir_;
  static inline auth::LocalIssuer* issuer_ = nullptr;
  const Clock& clock_ = Clock::system();
  matchmaking::EventBus bus_;
  std::unique_ptr<PlayerAuth> auth_;
  std::unique_ptr<MatchmakingEventStreams> streams_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(MatchmakingEventsTest, APlayerSeesItsOwnTicketsEventsOnly) {
  start();
  auto alice = subscribe("alice");
  auto bob = subscribe("bob");
  ASSERT_TRUE(wait_open(2));
  EXPECT_NE(alice->buffered().find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(alice->buffered().find("Cache-Control: no-cache\r\n"), std::string::npos);

  bus_.publish(event("MatchmakingSearching", {"alice"}, "t-alice"));
  bus_.publish(event("MatchmakingSearching", {"bob"}, "t-bob"));
  bus_.publish(event("PotentialMatchCreated", {"alice", "bob"}, "t-both"));

  ASSERT_TRUE(read_until(*alice, "event: PotentialMatchCreated\n"));
  ASSERT_TRUE(read_until(*bob, "event: PotentialMatchCreated\n"));
  EXPECT_NE(alice->buffered().find("t-alice"), std::string::npos);
  EXPECT_EQ(alice->buffered().find("t-bob"), std::string::npos);
  EXPECT_NE(bob->buffered().find("t-bob"), std::string::npos);
  EXPECT_EQ(bob->buffered().find("t-alice"), std::string::npos);

  // The data line is the envelope, as one line of JSON.
  const std::string& bytes = alice->buffered();
  size_t data = bytes.find("event: MatchmakingSearching\ndata: ");
  ASSERT_NE(data, std::string::npos);
  size_t json_at = data + std::string_view("event: MatchmakingSearching\ndata: ").size();
  auto envelope = boost::json::parse(bytes.substr(json_at, bytes.find('\n', json_at) - json_at));
  EXPECT_EQ(envelope.at("detail-type"), "GameLift Matchmaking Event");
  EXPECT_EQ(envelope.at("detail").at("type"), "MatchmakingSearching");
  EXPECT_EQ(event_ids(alice->buffered()).size(), 2u);
}

TEST_F(MatchmakingEventsTest, WithoutATokenTheAnswerIs401) {
  start();
  Client client(server_->port());
  auto r = client.request(http::testing::get("/matchmaking/events"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(MatchmakingEventsTest, IdleStreamsGetCommentHeartbeats) {
  MatchmakingEventsOptions options;
  options.heartbeat = 100ms;
  start(options);
  auto alice = subscribe("alice");
  EXPECT_TRUE(read_until(*alice, ": heartbeat\n\n", 2s));
}

TEST_F(MatchmakingEventsTest, LastEventIdResumesWithTheEventsMissedMeanwhile) {
  start();
  auto alice = subscribe("alice");
  bus_.publish(event("MatchmakingSearching", {"alice"}, "t1"));
  ASSERT_TRUE(read_until(*alice, "event: MatchmakingSearching\n"));
  auto ids = event_ids(alice->buffered());
  ASSERT_EQ(ids.size(), 1u);
  alice.reset();
  ASSERT_TRUE(wait_open(0));

  bus_.publish(event("PotentialMatchCreated", {"alice", "bob"}, "t1"));
  bus_.publish(event("MatchmakingSearching", {"bob"}, "t-bob"));
  bus_.publish(event("AcceptMatch", {"alice"}, "t1"));
  std::this_thread::sleep_for(50ms);  // let the stream thread take them in

  auto again = subscribe("alice", "Last-Event-ID: " + ids[0] + "\r\n");
  ASSERT_TRUE(read_until(*again, "event: AcceptMatch\n"));
  const std::string& bytes = again->buffered();
  EXPECT_EQ(bytes.find("event: MatchmakingSearching"), std::string::npos);
  EXPECT_LT(bytes.find("event: PotentialMatchCreated"), bytes.find("event: AcceptMatch"));
  EXPECT_EQ(bytes.find("no longer available"), std::string::npos);
}

TEST_F(MatchmakingEventsTest, OnlyPlayersWhoHeldAStreamHaveTheirEventsBuiltAndKept) {
  start();
  const std::vector<std::string_view> alice{"alice"}, carol{"carol"};
  EXPECT_FALSE(bus_.wants("session-api-dev", alice));
  bus_.publish(event("MatchmakingSearching", {"carol"}, "t-carol"));
  {
    auto stream = subscribe("alice");
    EXPECT_TRUE(bus_.wants("session-api-dev", alice));
    bus_.publish(event("MatchmakingSearching", {"alice", "carol"}, "t-both"));
    ASSERT_TRUE(read_until(*stream, "\"t-both\""));
  }
  ASSERT_TRUE(wait_open(0));
  // Alice may still resume; carol never had a stream, so nothing of hers is built for it.
  EXPECT_TRUE(bus_.wants("session-api-dev", alice));
  EXPECT_FALSE(bus_.wants("session-api-dev", carol));

  // Carol's first stream, with an id of an earlier run: of the events kept, only the one
  // that also concerned alice is there for her.
  auto again = subscribe("carol", "Last-Event-ID: 00000000-7\r\n");
  ASSERT_TRUE(read_until(*again, "\"t-both\""));
  EXPECT_NE(again->buffered().find("no longer available"), std::string::npos);
  EXPECT_EQ(again->buffered().find("\"t-carol\""), std::string::npos);
  EXPECT_EQ(event_ids(again->buffered()).size(), 1u);
}

TEST_F(MatchmakingEventsTest, ABurstOfEventsArrivesWholeAndInOrder) {
  start();
  auto alice = subscribe("alice");
  for (int i = 0; i < 200; ++i) {
    bus_.publish(event("MatchmakingSearching", {"alice"}, "t" + std::to_string(i)));
  }
  ASSERT_TRUE(read_until(*alice, "\"t199\""));
  const std::string& bytes = alice->buffered();
  EXPECT_EQ(event_ids(bytes).size(), 200u);
  size_t at = 0;
  for (int i = 0; i < 200; ++i) {
    size_t next = bytes.find("\"t" + std::to_string(i) + "\"", at);
    ASSERT_NE(next, std::string::npos) << i;
    at = next;
  }
}

TEST_F(MatchmakingEventsTest, AResumePointOlderThanTheRingIsSaidToHaveAGap) {
  MatchmakingEventsOptions options;
  options.replay_capacity = 2;
  start(options);
  auto alice = subscribe("alice");
  bus_.publish(event("MatchmakingSearching", {"alice"}, "t1"));
  ASSERT_TRUE(read_until(*alice, "event: MatchmakingSearching\n"));
  std::string first = event_ids(alice->buffered()).at(0);
  alice.reset();
  ASSERT_TRUE(wait_open(0));
  for (const char* type : {"PotentialMatchCreated", "AcceptMatch", "AcceptMatchCompleted"}) {
    bus_.publish(event(type, {"alice"}, "t1"));
  }
  std::this_thread::sleep_for(50ms);
  auto again = subscribe("alice", "Last-Event-ID: " + first + "\r\n");
  ASSERT_TRUE(read_until(*again, "event: AcceptMatchCompleted\n"));
  EXPECT_NE(again->buffered().find("no longer available"), std::string::npos);
  EXPECT_EQ(event_ids(again->buffered()).size(), 2u);
}

TEST_F(MatchmakingEventsTest, APlayerMayHoldOnlySoManyStreams) {
  MatchmakingEventsOptions options;
  options.max_streams_per_player = 2;
  start(options);
  auto a1 = subscribe("alice");
  auto a2 = subscribe("alice");
  ASSERT_TRUE(wait_open(2));
  Client third(server_->port());
  auto r = third.request(http::testing::get(
      "/matchmaking/events", "Authorization: Bearer " + token_for("alice") + "\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->header("retry-after"), "5");
  EXPECT_NE(r->body.find("TOO_MANY_STREAMS"), std::string::npos);
  auto bob = subscribe("bob");  // another player is not affected
  ASSERT_TRUE(wait_open(3));
  a1.reset();  // a closed stream frees its slot
  ASSERT_TRUE(wait_open(2));
  auto a3 = subscribe("alice");
  EXPECT_TRUE(wait_open(3));
}

TEST_F(MatchmakingEventsTest, TheStreamEndsWhenTheTokenExpires) {
  start();
  auto client = std::make_unique<Client>(server_->port());
  client->send(http::testing::get("/matchmaking/events",
                                  "Authorization: Bearer " + token_for("alice", 3s) + "\r\n"));
  ASSERT_TRUE(read_until(*client, "retry: 3000\n"));
  ASSERT_TRUE(wait_open(1));
  std::this_thread::sleep_for(1000ms);
  EXPECT_EQ(streams_->open_streams(), 1u) << "not before the token expires";
  EXPECT_TRUE(read_until(*client, "0\r\n\r\n", 5s));
  EXPECT_TRUE(client->closed_within(2s));
  EXPECT_TRUE(wait_open(0));
}

TEST_F(MatchmakingEventsTest, DestroyingTheStreamsEndsThemAndStopsListening) {
  start();
  auto alice = subscribe("alice");
  streams_.reset();
  EXPECT_TRUE(read_until(*alice, "0\r\n\r\n", 3s));
  bus_.publish(event("MatchmakingSearching", {"alice"}, "t1"));  // nobody listens: no crash
}

}  // namespace
}  // namespace sapi::api
