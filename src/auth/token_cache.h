#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "auth/crypto.h"
#include "auth/jwt.h"

namespace sapi::auth {

// Verified tokens by SHA-256 of the token text, so that a hot token costs a hash and a map
// look-up instead of an RSA verification. An entry lives until the earlier of the token's
// exp and max_age after insertion; only successes are ever inserted. Sharded by digest to
// keep lock contention low; each shard holds at most capacity/shards entries and makes room
// by dropping expired entries, then arbitrary ones.
class TokenCache {
 public:
  TokenCache(size_t capacity, std::chrono::seconds max_age);

  // The cached identity for this token if present and still valid at `now` (epoch seconds).
  std::optional<VerifiedToken> find(std::string_view token, int64_t now) const;

  // Remembers a verified token at `now`.
  void insert(std::string_view token, const VerifiedToken& verified, int64_t now);

  size_t size() const;

 private:
  static constexpr size_t kShards = 16;
  struct DigestHash {
    size_t operator()(const Sha256Digest& d) const;
  };
  struct Entry {
    VerifiedToken token;
    int64_t valid_until;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<Sha256Digest, Entry, DigestHash> entries;
  };

  size_t per_shard_;
  int64_t max_age_;
  std::array<Shard, kShards> shards_;
};

}  // namespace sapi::auth
