#include "api/matchmaking_rate_limit.h"

#include <gtest/gtest.h>

namespace sapi::api {
namespace {

using namespace std::chrono_literals;

TEST(PlayerRateLimiter, AllowsTheBurstThenRefillsAtTheRate) {
  ManualClock clock;
  PlayerRateLimiter limiter(2, 3, clock);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire("alice"), std::nullopt) << i;
  EXPECT_EQ(limiter.acquire("alice"), 1);
  EXPECT_EQ(limiter.acquire("bob"), std::nullopt) << "buckets are per player";
  clock.advance(500ms);
  EXPECT_EQ(limiter.acquire("alice"), std::nullopt);
  EXPECT_EQ(limiter.acquire("alice"), 1);
  clock.advance(10s);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire("alice"), std::nullopt) << i;
  EXPECT_NE(limiter.acquire("alice"), std::nullopt) << "never more than the burst";
}

TEST(PlayerRateLimiter, RetryAfterCoversASlowRate) {
  ManualClock clock;
  PlayerRateLimiter limiter(0.1, 1, clock);
  EXPECT_EQ(limiter.acquire("alice"), std::nullopt);
  EXPECT_EQ(limiter.acquire("alice"), 10);
}

TEST(PlayerRateLimiter, ZeroRateDisablesTheLimit) {
  ManualClock clock;
  PlayerRateLimiter limiter(0, 1, clock);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.acquire("alice"), std::nullopt);
}

}  // namespace
}  // namespace sapi::api
