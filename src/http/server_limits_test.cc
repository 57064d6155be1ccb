// Time-outs, the connection cap and graceful shutdown, against a real server.

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "http/server.h"
#include "http/server_fixture.h"

namespace sapi::http {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::get;
using Clock = std::chrono::steady_clock;

class HttpLimits : public testing::ServerTest {
 protected:
  void SetUp() override {
    router_.add(Method::kGet, "/ping",
                [](Request&, Responder r) { r.send(Response::json(200, R"({"pong":true})")); });
    router_.add(Method::kGet, "/slow", [](Request&, Responder r) {
      std::thread([r = std::move(r)]() mutable {
        std::this_thread::sleep_for(400ms);
        r.send(Response::json(200, R"({"slow":true})"));
      }).detach();
    });
    router_.add(Method::kGet, "/huge", [](Request&, Responder r) {
      r.send(Response::json(200, std::string(64 << 20, 'h')));
    });
    router_.add(Method::kGet, "/stuck", [this](Request&, Responder r) {
      std::lock_guard<std::mutex> lock(stuck_mu_);
      stuck_.push_back(std::move(r));  // answered (500) only when the test ends
    });
  }

  void TearDown() override {
    testing::ServerTest::TearDown();
    std::lock_guard<std::mutex> lock(stuck_mu_);
    stuck_.clear();
  }

  static std::chrono::milliseconds since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t);
  }

  std::mutex stuck_mu_;
  std::vector<Responder> stuck_;
};

TEST_F(HttpLimits, CutsOffAByteByByteHeaderWhileServingOthersPromptly) {
  ServerOptions o;
  o.threads = 1;  // same event loop for both clients
  o.header_timeout = 800ms;
  start(o);
  Client slow(port_);
  std::atomic<bool> cut{false};
  std::thread trickle([&] {
    std::string req = get("/ping", "X-Padding: " + std::string(200, 'p') + "\r\n");
    for (char ch : req) {
      if (!slow.send(std::string_view(&ch, 1))) break;
      if (slow.closed_within(40ms)) {
        cut = true;
        break;
      }
    }
  });
  auto t0 = Clock::now();
  Client fast(port_);
  for (int i = 0; i < 20; ++i) {
    auto t = Clock::now();
    auto r = fast.request(get("/ping"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_LT(since(t).count(), 300);  // generous: CI machines are busy
    std::this_thread::sleep_for(10ms);
  }
  trickle.join();
  EXPECT_TRUE(cut.load());
  EXPECT_LT(since(t0).count(), 2000);
}

TEST_F(HttpLimits, CutsOffABodyThatStopsComing) {
  ServerOptions o;
  o.body_timeout = 300ms;
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send("POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  auto t0 = Clock::now();
  EXPECT_TRUE(c.closed_within(2s));
  EXPECT_GE(since(t0).count(), 250);
}

TEST_F(HttpLimits, ClosesIdleKeepAliveConnections) {
  ServerOptions o;
  o.idle_timeout = 300ms;
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.request(get("/ping")));
  auto t0 = Clock::now();
  EXPECT_TRUE(c.closed_within(2s));
  EXPECT_GE(since(t0).count(), 250);
}

TEST_F(HttpLimits, CutsOffAClientThatDoesNotReadItsResponse) {
  ServerOptions o;
  o.write_timeout = 300ms;
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send(get("/huge")));
  // Not reading: the 64 MiB answer cannot be written, and the server gives up on it.
  wait_for_count(observer_.open, 0);
  EXPECT_EQ(observer_.open.load(), 0);
}

TEST_F(HttpLimits, WritesAnAnswerLargerThanTheSocketTakesAtOnceWhole) {
  start();
  Client c(port_);
  // The first send takes what the socket buffer holds; the rest goes out as the client reads.
  auto huge = c.request(get("/huge"));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 200);
  ASSERT_EQ(huge->body.size(), size_t{64} << 20);
  EXPECT_EQ(huge->body.find_first_not_of('h'), std::string::npos);
  auto next = c.request(get("/ping"));  // the connection goes on after it
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpLimits, IgnoresAnAnswerGivenAfterTheServerIsGone) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send(get("/stuck")));
  for (int i = 0; i < 100 && stuck_.empty(); ++i) std::this_thread::sleep_for(10ms);
  server_->shutdown(100ms);
  server_.reset();
  std::lock_guard<std::mutex> lock(stuck_mu_);
  ASSERT_EQ(stuck_.size(), 1u);
  stuck_[0].send(Response::json(200, "{}"));  // nobody to answer: must be harmless
  EXPECT_FALSE(stuck_[0].pending());
}

TEST_F(HttpLimits, AnswersConnectionsAboveTheCapWith503) {
  ServerOptions o;
  o.max_connections = 2;
  start(o);
  auto a = std::make_unique<Client>(port_);
  Client b(port_);
  ASSERT_TRUE(a->request(get("/ping")));
  ASSERT_TRUE(b.request(get("/ping")));
  Client c(port_);
  auto refused = c.read_response(2s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find("UNAVAILABLE"), std::string::npos);
  EXPECT_EQ(refused->header("x-request-id").size(), 36u);
  EXPECT_EQ(refused->header("retry-after"), "1");
  EXPECT_TRUE(c.closed_within(2s));
  // The open connections are not disturbed, and a freed slot is usable again.
  ASSERT_TRUE(b.request(get("/ping")));
  a.reset();
  for (int i = 0; i < 100 && observer_.open.load() > 1; ++i) std::this_thread::sleep_for(10ms);
  Client d(port_);
  auto ok = d.request(get("/ping"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpLimits, ShutdownFinishesInFlightRequestsAndRefusesNewConnections) {
  start();
  Client idle(port_);
  ASSERT_TRUE(idle.request(get("/ping")));
  Client busy(port_);
  ASSERT_TRUE(busy.send(get("/slow")));
  ASSERT_TRUE(wait_for_count(observer_.in_flight, 1));  // the slow request is in its handler
  auto t0 = Clock::now();
  auto done = std::async(std::launch::async, [&] { server_->shutdown(5s); });
  EXPECT_TRUE(idle.closed_within(1s));
  auto r = busy.read_response(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  done.get();
  EXPECT_GE(since(t0).count(), 200);
  EXPECT_LT(since(t0).count(), 3000);
  Client late(port_);
  EXPECT_FALSE(late.connected());
  server_->wait();  // returns at once: stopped
}

TEST_F(HttpLimits, ShutdownGivesUpOnStuckRequestsAtTheDeadline) {
  start();
  Client stuck(port_);
  ASSERT_TRUE(stuck.send(get("/stuck")));
  ASSERT_TRUE(wait_for_count(observer_.in_flight, 1));
  auto t0 = Clock::now();
  server_->shutdown(300ms);
  EXPECT_GE(since(t0).count(), 250);
  EXPECT_LT(since(t0).count(), 2000);
  EXPECT_TRUE(stuck.closed_within(1s));
  EXPECT_EQ(observer_.open.load(), 0);
  EXPECT_EQ(observer_.in_flight.load(), 0);
}

TEST_F(HttpLimits, WaitReturnsAfterShutdownFromAnotherThread) {
  start();
  auto waiter = std::async(std::launch::async, [&] { server_->wait(); });
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);
  server_->shutdown(1s);
  EXPECT_EQ(waiter.wait_for(2s), std::future_status::ready);
}

}  // namespace
}  // namespace sapi::http
