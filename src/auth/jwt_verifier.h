#pragma once

#include <memory>
#include <string_view>

#include "auth/jwks_source.h"
#include "auth/jwt.h"
#include "auth/token_cache.h"
#include "base/clock.h"

namespace sapi::auth {

// Verifies player tokens end to end: cache, parse, header, key, signature, claims. Thread
// safe. Failures are Status values with code kUnauthenticated (401) or, for a valid token
// lacking a required group, kPermissionDenied (403); messages never contain the token.
class JwtVerifier {
 public:
  struct Options {
    ClaimPolicy policy;
    size_t cache_capacity = 100000;
    std::chrono::seconds cache_max_age{300};  // 0 disables the cache
  };

  JwtVerifier(Options options, std::unique_ptr<KeyProvider> keys, const Clock& clock);

  Result<VerifiedToken> verify(std::string_view token);

  const ClaimPolicy& policy() const { return options_.policy; }
  KeyProvider& keys() { return *keys_; }

 private:
  Result<VerifiedToken> verify_uncached(std::string_view token, double now);

  const Options options_;
  const std::unique_ptr<KeyProvider> keys_;
  const Clock& clock_;
  TokenCache cache_;
};

}  // namespace sapi::auth
