#pragma once

// Per-player token buckets for the matchmaking routes: each player may make `burst` requests
// at once and `rate` per second on average; beyond that, 429 with Retry-After.

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/clock.h"
#include "base/keyed_hash.h"

namespace sapi::api {

class PlayerRateLimiter {
 public:
  // `rate_per_second` <= 0 disables the limit. Thread safe; `clock` must outlive it.
  PlayerRateLimiter(double rate_per_second, double burst, const Clock& clock);

  // Takes one token of `player_id`'s bucket. nullopt when allowed, else the whole seconds
  // (at least 1) after which a token will be available.
  std::optional<int> acquire(const std::string& player_id);

 private:
  struct Bucket {
    double tokens;
    Clock::TimePoint updated;
  };
  struct Shard {
    std::mutex mu;
    KeyedMap<Bucket> buckets;
  };
  static constexpr size_t kShards = 32;
  // Buckets per shard above which full ones are forgotten (a full bucket is a new one).
  static constexpr size_t kMaxBucketsPerShard = 50000;

  void forget_full(Shard& shard, Clock::TimePoint now);

  double rate_;
  double burst_;
  const Clock& clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace sapi::api
