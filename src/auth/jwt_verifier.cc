#include "auth/jwt_verifier.h"

namespace sapi::auth {

JwtVerifier::JwtVerifier(Options options, std::unique_ptr<KeyProvider> keys, const Clock& clock)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      clock_(clock),
      cache_(options_.cache_capacity, options_.cache_max_age) {}

Result<VerifiedToken> JwtVerifier::verify(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return unauthenticated("malformed token: too long");
  auto now = std::chrono::duration<double>(clock_.now().time_since_epoch()).count();
  auto now_s = static_cast<int64_t>(now);
  if (auto hit = cache_.find(token, now_s)) return std::move(*hit);
  auto verified = verify_uncached(token, now);
  if (verified.ok()) cache_.insert(token, verified.value(), now_s);
  return verified;
}

Result<VerifiedToken> JwtVerifier::verify_uncached(std::string_view token, double now) {
  auto jwt = parse_jwt(token);
  if (!jwt.ok()) return jwt.status();
  auto kid = check_header(jwt->header);
  if (!kid.ok()) return kid.status();
  std::shared_ptr<const Jwk> key = keys_->find(kid.value());
  if (key == nullptr) return unauthenticated("unknown signing key");
  SAPI_RETURN_IF_ERROR(check_signature(jwt.value(), *key));
  return check_claims(jwt->payload, options_.policy, now);
}

}  // namespace sapi::auth
