#include "notify/webhook_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "http/server.h"
#include "notify/signature.h"
#include "obs/metrics.h"

namespace sapi::notify {
namespace {

using namespace std::chrono_literals;

constexpr char kSecret[] = "whsec_test";

TEST(WebhookSignatureTest, IsHmacSha256OfTimestampDotBodyInHex) {
  // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
  EXPECT_EQ(webhook_signature(kSecret, 1700000000, R"({"a":1})"),
            "v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
}

TEST(WebhookSignatureTest, VerificationRejectsAnotherBodySecretOrAStaleTimestamp) {
  std::string sig = webhook_signature(kSecret, 1000, "body");
  EXPECT_TRUE(verify_webhook_signature(kSecret, sig, 1000, "body", 1100));
  EXPECT_FALSE(verify_webhook_signature(kSecret, sig, 1000, "body!", 1100));
  EXPECT_FALSE(verify_webhook_signature("other", sig, 1000, "body", 1100));
  EXPECT_FALSE(verify_webhook_signature(kSecret, sig, 1001, "body", 1100));
  EXPECT_FALSE(verify_webhook_signature(kSecret, sig, 1000, "body", 1000 + 301));
}

struct Received {
  std::string body;
  std::string content_type, timestamp, signature, event_id, attempt;
};

// A webhook receiver: the project's own HTTP server on an ephemeral port, answering each POST
// with the next status of a script (200 once the script is used up).
class Receiver {
 public:
  explicit Receiver(std::vector<int> script, std::chrono::milliseconds delay = 0ms)
      : script_(std::move(script)) {
    http::Router router;
    router.add(http::Method::kPost, "/hook", [this, delay](http::Request& req, http::Responder r) {
      Received got;
      got.body = req.body;
      got.content_type = std::string(req.header("content-type").value_or(""));
      got.timestamp = std::string(req.header("x-session-api-timestamp").value_or(""));
      got.signature = std::string(req.header("x-session-api-signature").value_or(""));
      got.event_id = std::string(req.header("x-session-api-event-id").value_or(""));
      got.attempt = std::string(req.header("x-session-api-delivery-attempt").value_or(""));
      int status = 200;
      {
        std::lock_guard lock(mu_);
        received_.push_back(std::move(got));
        if (next_ < script_.size()) status = script_[next_++];
      }
      if (delay > 0ms) std::this_thread::sleep_for(delay);
      r.send(http::Response::json(status, "{}"));
    });
    http::ServerOptions options;
    options.port = 0;
    options.threads = 2;
    server_ = http::make_server(std::move(options), std::move(router), nullptr);
    EXPECT_TRUE(server_->start().ok());
  }
  ~Receiver() { server_->shutdown(1000ms); }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  std::mutex mu_;
  std::vector<int> script_;
  size_t next_ = 0;
  std::vector<Received> received_;
  std::unique_ptr<http::Server> server_;
};

WebhookOptions fast_options() {
  WebhookOptions o;
  o.secret = kSecret;
  o.initial_backoff = 20ms;
  o.max_backoff = 100ms;
  o.request_timeout = 2000ms;
  o.max_attempts = 3;
  return o;
}

template <typename F>
bool eventually(F condition, std::chrono::milliseconds timeout = 5s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(WebhookSenderTest, PostsTheBodyAsJsonSignedSoTheReceiverCanVerifyIt) {
  Receiver receiver({});
  obs::Registry metrics;
  auto sender = WebhookSender::start(fast_options(), &metrics, nullptr);
  std::string body = R"({"detail-type":"GameLift Matchmaking Event","id":"e-1"})";
  ASSERT_TRUE(sender->enqueue(receiver.url(), body, "e-1"));
  ASSERT_TRUE(eventually([&] { return sender->stats().delivered == 1; }));
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, body);
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].event_id, "e-1");
  EXPECT_EQ(got[0].attempt, "1");
  int64_t ts = std::stoll(got[0].timestamp);
  EXPECT_TRUE(verify_webhook_signature(kSecret, got[0].signature, ts, got[0].body,
                                       epoch_seconds(Clock::system().now())));
  EXPECT_NE(metrics.render().find(R"(webhook_deliveries_total{outcome="delivered"} 1)"),
            std::string::npos);
}

TEST(WebhookSenderTest, WithoutASecretRequestsGoUnsigned) {
  Receiver receiver({});
  WebhookOptions o = fast_options();
  o.secret.clear();
  auto sender = WebhookSender::start(o, nullptr, nullptr);
  ASSERT_TRUE(sender->enqueue(receiver.url(), "{}", "e"));
  ASSERT_TRUE(eventually([&] { return sender->stats().delivered == 1; }));
  EXPECT_TRUE(receiver.received()[0].signature.empty());
}

TEST(WebhookSenderTest, ServerErrorsAndTooManyRequestsAreRetriedThenDelivered) {
  Receiver receiver({500, 429});
  auto sender = WebhookSender::start(fast_options(), nullptr, nullptr);
  ASSERT_TRUE(sender->enqueue(receiver.url(), R"({"n":1})", "e-2"));
  ASSERT_TRUE(eventually([&] { return sender->stats().delivered == 1; }));
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].attempt, "3");
  EXPECT_EQ(got[2].body, R"({"n":1})");
  EXPECT_EQ(sender->stats().retried, 2u);
  EXPECT_EQ(sender->stats().dropped, 0u);
}

TEST(WebhookSenderTest, GivesUpAfterTheLastAttemptAndCountsADrop) {
  Receiver receiver({503, 503, 503, 503, 503});
  auto sender = WebhookSender::start(fast_options(), nullptr, nullptr);
  ASSERT_TRUE(sender->enqueue(receiver.url(), "{}", "e-3"));
  ASSERT_TRUE(eventually([&] { return sender->stats().dropped == 1; }));
  EXPECT_EQ(receiver.received().size(), 3u);
  EXPECT_EQ(sender->stats().retried, 2u);
  EXPECT_EQ(sender->stats().delivered, 0u);
}

TEST(WebhookSenderTest, AClientErrorIsNotRetried) {
  Receiver receiver({400});
  auto sender = WebhookSender::start(fast_options(), nullptr, nullptr);
  ASSERT_TRUE(sender->enqueue(receiver.url(), "{}", "e-4"));
  ASSERT_TRUE(eventually([&] { return sender->stats().dropped == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(receiver.received().size(), 1u);
  EXPECT_EQ(sender->stats().retried, 0u);
}

TEST(WebhookSenderTest, NetworkErrorsAreRetriedWithGrowingDelays) {
  // A port that was just free: connections are refused.
  std::string url;
  {
    Receiver gone({});
    url = gone.url();
  }
  WebhookOptions o = fast_options();
  o.initial_backoff = 100ms;
  o.max_backoff = 1000ms;
  auto sender = WebhookSender::start(o, nullptr, nullptr);
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(sender->enqueue(url, "{}", "e-5"));
  ASSERT_TRUE(eventually([&] { return sender->stats().dropped == 1; }));
  // Two back-offs: at least half of 100 ms, then at least half of 200 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
  EXPECT_EQ(sender->stats().retried, 2u);
}

TEST(WebhookSenderTest, AFullQueueDropsAndCountsInsteadOfBlocking) {
  Receiver receiver({}, 300ms);
  WebhookOptions o = fast_options();
  o.queue_capacity = 2;
  o.threads = 1;
  auto sender = WebhookSender::start(o, nullptr, nullptr);
  EXPECT_TRUE(sender->enqueue(receiver.url(), "{}", "a"));
  EXPECT_TRUE(sender->enqueue(receiver.url(), "{}", "b"));
  EXPECT_FALSE(sender->enqueue(receiver.url(), "{}", "c"));
  EXPECT_EQ(sender->stats().dropped, 1u);
  sender->stop(5s);
  EXPECT_EQ(sender->stats().delivered, 2u);
}

TEST(WebhookSenderTest, StopDrainsWhatIsQueuedWithinTheDeadline) {
  Receiver receiver({500});
  auto sender = WebhookSender::start(fast_options(), nullptr, nullptr);
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(sender->enqueue(receiver.url(), "{}", std::to_string(i)));
  sender->stop(5s);
  EXPECT_EQ(sender->stats().delivered, 20u);
  EXPECT_EQ(sender->stats().dropped, 0u);
  EXPECT_FALSE(sender->enqueue(receiver.url(), "{}", "late"));
}

TEST(WebhookSenderTest, StopGivesUpAtTheDeadlineOnASlowReceiver) {
  Receiver receiver({}, 4000ms);
  WebhookOptions o = fast_options();
  o.threads = 1;
  o.request_timeout = 10000ms;
  auto sender = WebhookSender::start(o, nullptr, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sender->enqueue(receiver.url(), "{}", std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return receiver.received().size() == 1; }));
  auto started = std::chrono::steady_clock::now();
  sender->stop(200ms);
  // A transfer in flight notices the abort at its next progress check (about once a second).
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
  EXPECT_EQ(sender->stats().dropped, 3u);
  EXPECT_EQ(sender->stats().delivered, 0u);
}

}  // namespace
}  // namespace sapi::notify
