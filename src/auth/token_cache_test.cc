#include "auth/token_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace sapi::auth {
namespace {

using namespace std::chrono_literals;

VerifiedToken token_for(const std::string& player, int64_t exp) {
  return VerifiedToken{player, player, "id", exp, {}};
}

TEST(TokenCache, ReturnsWhatWasInsertedForTheSameTokenOnly) {
  TokenCache cache(1000, 300s);
  cache.insert("token-a", token_for("alice", 2000), 1000);
  auto hit = cache.find("token-a", 1001);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->player_id, "alice");
  EXPECT_FALSE(cache.find("token-b", 1001).has_value());
  EXPECT_FALSE(cache.find("token-a ", 1001).has_value());
}

TEST(TokenCache, ExpiresAtTheEarlierOfExpAndMaxAge) {
  TokenCache cache(1000, 300s);
  cache.insert("long", token_for("a", 10'000), 1000);
  cache.insert("short", token_for("b", 1100), 1000);
  EXPECT_TRUE(cache.find("long", 1299).has_value());
  EXPECT_FALSE(cache.find("long", 1300).has_value());
  EXPECT_TRUE(cache.find("short", 1099).has_value());
  EXPECT_FALSE(cache.find("short", 1100).has_value());
}

TEST(TokenCache, IgnoresAlreadyExpiredTokensAndCanBeDisabled) {
  TokenCache cache(1000, 300s);
  cache.insert("old", token_for("a", 900), 1000);
  EXPECT_EQ(cache.size(), 0u);
  TokenCache off(1000, 0s);
  off.insert("t", token_for("a", 2000), 1000);
  EXPECT_FALSE(off.find("t", 1000).has_value());
}

TEST(TokenCache, StaysWithinItsCapacity) {
  TokenCache cache(64, 300s);
  for (int i = 0; i < 1000; ++i) cache.insert("t" + std::to_string(i), token_for("p", 5000), 1000);
  EXPECT_LE(cache.size(), 64u);
  EXPECT_GT(cache.size(), 0u);
  EXPECT_TRUE(cache.find("t999", 1000).has_value());  // the newest entry always fits
}

TEST(TokenCache, IsSafeUnderConcurrentUse) {
  TokenCache cache(4096, 300s);
  std::vector<std::thread> threads;
  std::atomic<int> misses{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = "t" + std::to_string((i * 7 + t) % 500);
        if (!cache.find(key, 1000)) {
          ++misses;
          cache.insert(key, token_for(key, 5000), 1000);
        } else {
          EXPECT_EQ(cache.find(key, 1000)->player_id, key);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(misses, 4 * 500);
  EXPECT_LE(cache.size(), 500u);
}

}  // namespace
}  // namespace sapi::auth
