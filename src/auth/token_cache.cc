#include "auth/token_cache.h"

#include <algorithm>
#include <cstring>

namespace sapi::auth {

size_t TokenCache::DigestHash::operator()(const Sha256Digest& d) const {
  size_t h;
  std::memcpy(&h, d.data(), sizeof(h));  // SHA-256 bytes are already uniformly spread
  return h;
}

TokenCache::TokenCache(size_t capacity, std::chrono::seconds max_age)
    : per_shard_(std::max<size_t>(1, capacity / kShards)), max_age_(max_age.count()) {}

std::optional<VerifiedToken> TokenCache::find(std::string_view token, int64_t now) const {
  if (max_age_ <= 0) return std::nullopt;
  Sha256Digest d = sha256(token);
  const Shard& shard = shards_[d[31] % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(d);
  if (it == shard.entries.end() || now >= it->second.valid_until) return std::nullopt;
  return it->second.token;
}

void TokenCache::insert(std::string_view token, const VerifiedToken& verified, int64_t now) {
  if (max_age_ <= 0) return;
  int64_t valid_until = std::min(verified.expires_at, now + max_age_);
  if (valid_until <= now) return;
  Sha256Digest d = sha256(token);
  Shard& shard = shards_[d[31] % kShards];
  std::lock_guard lock(shard.mu);
  if (shard.entries.size() >= per_shard_ && shard.entries.find(d) == shard.entries.end()) {
    std::erase_if(shard.entries, [&](const auto& e) { return now >= e.second.valid_until; });
    if (shard.entries.size() >= per_shard_) shard.entries.erase(shard.entries.begin());
  }
  shard.entries.insert_or_assign(d, Entry{verified, valid_until});
}

size_t TokenCache::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.entries.size();
  }
  return n;
}

}  // namespace sapi::auth
