// The player client against the real service over HTTP: every call, and how errors arrive.

#include "session_api/player_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "service_fixture.h"
#include "service_test.h"
#include "test_config.h"

namespace session_api {
namespace {

using testing::Service;
using Clock = std::chrono::steady_clock;

class PlayerClientTest : public testing::ServiceTest {
 protected:
  std::unique_ptr<PlayerClient> client(const std::string& player) {
    return std::make_unique<PlayerClient>(service_->options(), service_->token(player));
  }

  StartRequest solo(const std::string& player,
                    const std::string& configuration = "session-api-dev") {
    StartRequest r;
    r.player_id = player;
    r.configuration_name = configuration;
    r.attributes["skill"] = AttributeValue::of(12.0);
    r.latency_in_ms = {{"eu-west-1", 40}};
    return r;
  }
};

TEST_F(PlayerClientTest, StartsATicketAndReadsItsStatus) {
  auto alice = client("sdk-alice");
  auto started = alice->start(solo("sdk-alice"));
  ASSERT_TRUE(started.ok()) << started.error().code << ": " << started.error().message;
  EXPECT_EQ(started.http_status(), 200);
  EXPECT_FALSE(started->ticket_id.empty());
  EXPECT_EQ(started->status, "QUEUED");
  EXPECT_FALSE(started->start_time.empty());

  auto status = alice->status(started->ticket_id);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->ticket_id, started->ticket_id);
  EXPECT_EQ(status->configuration_name, "session-api-dev");
  ASSERT_EQ(status->players.size(), 1u);
  EXPECT_EQ(status->players[0].player_id, "sdk-alice");
  EXPECT_FALSE(status->is_final());
  EXPECT_TRUE(alice->cancel(started->ticket_id).ok());
}

TEST_F(PlayerClientTest, TwoPlayersMatchAndLongPollSeesTheCompletion) {
  auto red = client("sdk-red");
  auto blue = client("sdk-blue");
  auto first = red->start(solo("sdk-red"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  std::vector<std::string> seen;
  std::thread second_player([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto second = blue->start(solo("sdk-blue"));
    EXPECT_TRUE(second.ok());
  });
  auto final = red->wait_until_final(first->ticket_id, 20,
                                     [&](const Ticket& t) { seen.push_back(t.status); });
  second_player.join();
  ASSERT_TRUE(final.ok()) << final.error().message;
  EXPECT_EQ(final->status, "COMPLETED");
  EXPECT_FALSE(final->match_id.empty());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "COMPLETED");
  ASSERT_TRUE(final->connection.has_value());
  EXPECT_EQ(final->connection->matched_player_sessions.size(), 1u);
  EXPECT_EQ(final->connection->matched_player_sessions[0].player_id, "sdk-red");
}

TEST_F(PlayerClientTest, LongPollWaitsUnlessTheKnownStatusIsStale) {
  auto carol = client("sdk-carol");
  auto started = carol->start(solo("sdk-carol"));
  ASSERT_TRUE(started.ok());
  // A new ticket is QUEUED until the matchmaking thread takes its batch, then SEARCHING (and
  // stays so: it has no opponent); a long poll that knows QUEUED would rightly end early.
  auto now = carol->status(started->ticket_id);
  ASSERT_TRUE(now.ok());
  for (auto until = Clock::now() + std::chrono::seconds(5);
       now.ok() && now->status == "QUEUED" && Clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now = carol->status(started->ticket_id);
  }
  ASSERT_TRUE(now.ok());
  ASSERT_EQ(now->status, "SEARCHING");

  auto t0 = Clock::now();
  auto waited = carol->status(started->ticket_id, 1, now->status);
  ASSERT_TRUE(waited.ok()) << waited.error().message;
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(900));

  t0 = Clock::now();
  auto stale = carol->status(started->ticket_id, 5, "REQUIRES_ACCEPTANCE");
  ASSERT_TRUE(stale.ok());
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(2000));
  EXPECT_TRUE(carol->cancel(started->ticket_id).ok());
}

TEST_F(PlayerClientTest, CancelIsIdempotent) {
  auto dave = client("sdk-dave");
  auto started = dave->start(solo("sdk-dave"));
  ASSERT_TRUE(started.ok());
  auto cancelled = dave->cancel(started->ticket_id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(cancelled->status, "CANCELLED");
  EXPECT_TRUE(cancelled->note.empty());
  auto again = dave->cancel(started->ticket_id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, "CANCELLED");
  EXPECT_EQ(again->note, "Ticket already ended");
  auto status = dave->status(started->ticket_id);
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->is_final());
}

TEST_F(PlayerClientTest, RetryingAStartWithTheSameTicketIdReturnsThatTicket) {
  auto erin = client("sdk-erin");
  StartRequest request = solo("sdk-erin");
  request.ticket_id = "sdk-erin-ticket-1";
  auto first = erin->start(request);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->ticket_id, "sdk-erin-ticket-1");
  auto second = erin->start(request);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->ticket_id, "sdk-erin-ticket-1");
  EXPECT_TRUE(erin->cancel(first->ticket_id).ok());
}

TEST_F(PlayerClientTest, APartyIsOneTicketWithEveryMember) {
  auto frank = client("sdk-frank");
  StartRequest request = solo("sdk-frank");
  request.party = {{"sdk-frank", {{"skill", AttributeValue::of(20.0)}}, {{"eu-west-1", 30}}},
                   {"sdk-grace", {{"skill", AttributeValue::of(22.0)}}, {}}};
  // A party of two does not fit a one-player team: the ticket can never match.
  auto started = frank->start(request);
  ASSERT_TRUE(started.ok()) << started.error().message;
  auto status = frank->status(started->ticket_id);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->players.size(), 2u);
  // The other member sees the same ticket with her own token.
  auto grace = client("sdk-grace");
  auto hers = grace->status(started->ticket_id);
  ASSERT_TRUE(hers.ok()) << hers.error().message;
  EXPECT_EQ(hers->ticket_id, started->ticket_id);
  frank->cancel(started->ticket_id);
}

TEST_F(PlayerClientTest, AcceptAndRejectAProposedMatch) {
  auto hank = client("sdk-hank");
  auto ivy = client("sdk-ivy");
  auto a = hank->start(solo("sdk-hank", "duel-accept"));
  auto b = ivy->start(solo("sdk-ivy", "duel-accept"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto proposed = hank->wait_until_final(a->ticket_id, 0);  // one poll
  for (int i = 0; i < 20 && proposed.ok() && proposed->status != "REQUIRES_ACCEPTANCE"; ++i) {
    proposed = hank->status(a->ticket_id, 2, proposed->status);
  }
  ASSERT_TRUE(proposed.ok());
  ASSERT_EQ(proposed->status, "REQUIRES_ACCEPTANCE");

  auto accepted = hank->accept(a->ticket_id, true);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  ASSERT_EQ(accepted->players.size(), 1u);
  EXPECT_EQ(accepted->players[0].accepted, std::optional<bool>(true));
  auto rejected = ivy->accept(b->ticket_id, false);
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  auto ended = ivy->wait_until_final(b->ticket_id, 10);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->status, "CANCELLED");
  EXPECT_EQ(ended->status_reason, "ACCEPTANCE_REJECTED");
  hank->cancel(a->ticket_id);
}

TEST_F(PlayerClientTest, ServiceErrorsCarryStatusCodeAndMessage) {
  auto jane = client("sdk-jane");
  auto unknown = jane->status("no-such-ticket");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.http_status(), 404);
  EXPECT_EQ(unknown.error().code, "TICKET_NOT_FOUND");
  EXPECT_FALSE(unknown.error().message.empty());

  auto not_mine = jane->start(solo("someone-else"));
  ASSERT_FALSE(not_mine.ok());
  EXPECT_GE(not_mine.http_status(), 400);
  EXPECT_LT(not_mine.http_status(), 500);
  EXPECT_FALSE(not_mine.error().code.empty());

  auto bad_config = jane->start(solo("sdk-jane", "no-such-configuration"));
  ASSERT_FALSE(bad_config.ok());
  EXPECT_EQ(bad_config.http_status(), 400);
  EXPECT_EQ(bad_config.error().code, "INVALID_REQUEST");

  PlayerClient anonymous(service_->options(), "not-a-token");
  auto refused = anonymous.status("whatever");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.http_status(), 401);

  // A fresh token on the same client works again.
  anonymous.set_token(service_->token("sdk-jane"));
  auto again = anonymous.status("no-such-ticket");
  EXPECT_EQ(again.http_status(), 404);
}

TEST_F(PlayerClientTest, TheEventStreamDeliversTheCallersTicketEvents) {
  auto kim = client("sdk-kim");
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<Event> events;
  std::optional<Result<Done>> ended;
  std::thread stream([&] {
    auto r = kim->events(
        [&](const Event& e) {
          std::lock_guard<std::mutex> lock(mu);
          events.push_back(e);
          return true;
        },
        &stop, 30);
    std::lock_guard<std::mutex> lock(mu);
    ended = r;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the stream is open
  auto started = kim->start(solo("sdk-kim"));
  ASSERT_TRUE(started.ok());
  auto deadline = Clock::now() + std::chrono::seconds(5);
  bool searching = false;
  while (!searching && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> lock(mu);
    for (const Event& e : events) {
      searching |= e.type == "MatchmakingSearching" &&
                   e.data.find(started->ticket_id) != std::string::npos && !e.id.empty();
    }
  }
  EXPECT_TRUE(searching);
  auto t0 = Clock::now();
  stop = true;
  stream.join();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  ASSERT_TRUE(ended.has_value());
  EXPECT_TRUE(ended->ok()) << ended->error().code << ": " << ended->error().message;
  kim->cancel(started->ticket_id);

  PlayerClient anonymous(service_->options(), "not-a-token");
  auto refused = anonymous.events([](const Event&) { return true; }, nullptr, 5);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.http_status(), 401);
}

TEST_F(PlayerClientTest, CheckReadyAnswersDoneWhenTheServiceServes) {
  auto ready = check_ready(service_->options());
  EXPECT_TRUE(ready.ok()) << ready.error().code;
  EXPECT_EQ(ready.http_status(), 200);
}

TEST(PlayerClientTransport, NoServiceIsANetworkError) {
  ClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(testing::unused_loopback_port());
  PlayerClient client(options, "token");
  auto r = client.status("t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.http_status(), 0);
  EXPECT_EQ(r.error().code, kNetworkError);
  EXPECT_EQ(check_ready(options).error().code, kNetworkError);
}

TEST(PlayerClientTransport, AServerThatNeverAnswersTimesOut) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);  // connections complete in the backlog; nobody reads them
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  options.timeout_ms = 300;
  PlayerClient client(options, "token");
  auto t0 = Clock::now();
  auto r = client.status("t");
  auto took = Clock::now() - t0;
  close(fd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kTimeout);
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(PlayerClientTransport, ABadBaseUrlIsRefusedBeforeSending) {
  ClientOptions options;
  options.base_url = "ftp://example.org";
  PlayerClient client(options, "token");
  auto r = client.status("t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kInvalidArgument);
}

}  // namespace
}  // namespace session_api
