// Retry-After reaches the caller: the service's per-player rate limit and its limit of event
// streams answer 429 with it, and a 503 carrying one (from a stand-in that answers only that, since
// the service sends none on 503 today) is surfaced too and stretches the session summary's retry
// wait.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "service_fixture.h"
#include "session_api/game_server_client.h"
#include "session_api/player_client.h"
#include "test_config.h"
#include "transport.h"

namespace session_api {
namespace {

using Clock = std::chrono::steady_clock;

TEST(ParseRetryAfter, ReadsSecondsAndHttpDates) {
  const std::time_t now = 1767225600;  // Thu, 01 Jan 2026 00:00:00 GMT
  EXPECT_EQ(parse_retry_after("5", now), 5);
  EXPECT_EQ(parse_retry_after(" 0\r\n", now), 0);
  EXPECT_EQ(parse_retry_after("Thu, 01 Jan 2026 00:00:30 GMT", now), 30);
  EXPECT_EQ(parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now), 0);  // already past
  EXPECT_EQ(parse_retry_after("99999999999999999999", now), 86400);       // capped at a day
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-3", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
}

class RateLimitedService : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    service_ = testing::Service::start(R"([matchmaking]
configurations_file = "@DIR@/configurations.json"
rate_limit_per_second = 1
rate_limit_burst = 2
)",
                                       &error, testing::config_files())
                   .release();
    ASSERT_NE(service_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }
  inline static testing::Service* service_ = nullptr;
};

TEST_F(RateLimitedService, A429CarriesTheServicesRetryAfter) {
  PlayerClient player(service_->options(), service_->token("sdk-hasty"));
  Result<Ticket> last = player.status("no-such-ticket");
  int calls = 1;
  while (last.http_status() != 429 && calls < 10) {
    ASSERT_EQ(last.http_status(), 404) << last.error().code;
    EXPECT_FALSE(last.error().retry_after_seconds) << "a 404 says nothing about waiting";
    last = player.status("no-such-ticket");
    ++calls;
  }
  ASSERT_EQ(last.http_status(), 429) << "the burst of 2 should be spent within " << calls;
  EXPECT_EQ(last.error().code, "TOO_MANY_REQUESTS");
  ASSERT_TRUE(last.error().retry_after_seconds);
  EXPECT_GE(*last.error().retry_after_seconds, 1);
  EXPECT_LE(*last.error().retry_after_seconds, 2);

  // Waiting that long is enough.
  std::this_thread::sleep_for(std::chrono::seconds(*last.error().retry_after_seconds));
  EXPECT_EQ(player.status("no-such-ticket").http_status(), 404);
}

TEST(RetryAfter, OneEventStreamTooManyIsA429WithRetryAfter) {
  std::string error;
  auto service = testing::Service::start(R"([matchmaking]
configurations_file = "@DIR@/configurations.json"
rate_limit_per_second = 0
[events]
sse_max_streams_per_player = 1
)",
                                         &error, testing::config_files());
  ASSERT_NE(service, nullptr) << error;
  PlayerClient first(service->options(), service->token("sdk-streamer"));
  PlayerClient second(service->options(), service->token("sdk-streamer"));
  std::atomic<bool> stop{false};
  // The holder keeps one stream open, opening it again whenever the other call got in first.
  std::thread holder([&] {
    while (!stop) {
      first.events([](const Event&) { return true; }, &stop, 20);
      if (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  Result<Done> refused = Error{};
  for (int i = 0; i < 10 && refused.http_status() != 429; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the holder's turn
    refused = second.events([](const Event&) { return true; }, nullptr, 1);
  }
  stop = true;
  holder.join();
  ASSERT_EQ(refused.http_status(), 429);
  EXPECT_EQ(refused.error().code, "TOO_MANY_STREAMS");
  EXPECT_EQ(refused.error().retry_after_seconds, 5);
}

// Answers every connection with `answers` in turn (one per request, then closes), on a
// loopback port of its own.
class CannedServer {
 public:
  explicit CannedServer(std::vector<std::string> answers) : answers_(std::move(answers)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 8), 0);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~CannedServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    for (const auto& answer : answers_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string request;
      char buf[4096];
      // Headers, then the body its Content-Length announces.
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      size_t at = request.find("Content-Length: ");
      size_t want = at == std::string::npos ? 0 : std::stoul(request.substr(at + 16));
      while (request.size() - request.find("\r\n\r\n") - 4 < want) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      close(c);
    }
  }

  std::vector<std::string> answers_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

std::string answer(int status, const std::string& extra_headers, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

TEST(RetryAfter, A503WithAnHttpDateIsSurfacedInSeconds) {
  char date[64];
  std::time_t in_a_minute = std::time(nullptr) + 60;
  std::tm tm{};
  gmtime_r(&in_a_minute, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  CannedServer server({answer(503, std::string("Retry-After: ") + date + "\r\n",
                              R"({"error": "UNAVAILABLE", "message": "draining"})")});
  ClientOptions options;
  options.base_url = server.base_url();
  auto ready = check_ready(options);
  ASSERT_FALSE(ready.ok());
  EXPECT_EQ(ready.http_status(), 503);
  ASSERT_TRUE(ready.error().retry_after_seconds);
  EXPECT_GE(*ready.error().retry_after_seconds, 58);
  EXPECT_LE(*ready.error().retry_after_seconds, 60);
}

TEST(RetryAfter, TheSessionSummaryRetryWaitsAsLongAsTheServiceAsks) {
  const std::string stored =
      R"({"success": true, "playerId": "p", "sessionId": "s", "rewardsStored": 0, "ttl": 1})";
  CannedServer server(
      {answer(503, "Retry-After: 1\r\n", R"({"error": "STORAGE_FAILED", "message": "busy"})"),
       answer(200, "", stored)});
  GameServerClientOptions options;
  options.client.base_url = server.base_url();
  options.credentials = {"AKIDEXAMPLE", "secret", ""};
  options.summary_retries = 1;
  options.summary_retry_base_ms = 10;  // the back-off alone would retry at once
  GameServerClient client(options);
  auto start = Clock::now();
  auto result = client.post_session_summary({"p", "s", {}, ""});
  ASSERT_TRUE(result.ok()) << result.error().code << ": " << result.error().message;
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(950));
}

}  // namespace
}  // namespace session_api
