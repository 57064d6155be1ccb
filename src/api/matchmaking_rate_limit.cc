#include "api/matchmaking_rate_limit.h"

#include <algorithm>
#include <cmath>

namespace sapi::api {

PlayerRateLimiter::PlayerRateLimiter(double rate_per_second, double burst, const Clock& clock)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), clock_(clock) {}

std::optional<int> PlayerRateLimiter::acquire(const std::string& player_id) {
  if (rate_ <= 0) return std::nullopt;
  Shard& shard = shards_[keyed_hash(player_id) % kShards];
  Clock::TimePoint now = clock_.now();
  std::lock_guard lock(shard.mu);
  if (shard.buckets.size() >= kMaxBucketsPerShard) forget_full(shard, now);
  auto [it, inserted] = shard.buckets.try_emplace(player_id, Bucket{burst_, now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  b.updated = std::max(b.updated, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate_)));
}

void PlayerRateLimiter::forget_full(Shard& shard, Clock::TimePoint now) {
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    bool full = it->second.tokens + elapsed * rate_ >= burst_;
    it = full ? shard.buckets.erase(it) : std::next(it);
  }
}

}  // namespace sapi::api
