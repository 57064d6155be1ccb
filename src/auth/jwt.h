#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwks.h"
#include "base/result.h"

namespace sapi::auth {

// Player tokens: Cognito user-pool JWTs (JWS compact form, RS256). The functions here are
// pure: bytes in, a value or a reason out. Reasons name what failed and never quote the
// token.

// Tokens longer than this are refused before any decoding (Cognito tokens are ~1 KiB).
inline constexpr size_t kMaxTokenBytes = 16 * 1024;

// A token split and decoded, not yet trusted.
struct ParsedJwt {
  boost::json::object header;
  boost::json::object payload;
  std::string signature;           // raw bytes
  std::string_view signing_input;  // "<header>.<payload>", a view into the token
};

// Splits a token into exactly three non-empty base64url segments, decodes them strictly and
// parses header and payload as JSON objects without duplicate keys.
Result<ParsedJwt> parse_jwt(std::string_view token);

// Header checks that need no key: alg exactly RS256, a sane typ if any, no crit, a kid.
// Returns the kid.
Result<std::string> check_header(const boost::json::object& header);

// Verifies the RS256 signature of `jwt` with `jwk`: the key must be usable, its alg (when
// it has one) must be RS256, the signature must be exactly the modulus size and
// EVP_DigestVerify must return exactly 1.
Status check_signature(const ParsedJwt& jwt, const Jwk& jwk);

// What a deployment accepts, beyond a good signature.
struct ClaimPolicy {
  std::string issuer;                        // exact match of "iss"
  bool accept_id_tokens = true;              // token_use "id"
  bool accept_access_tokens = false;         // token_use "access"
  std::vector<std::string> client_ids;       // "aud" (id) or "client_id" (access); empty = any
  std::chrono::seconds clock_skew{30};       // tolerance on exp, nbf and iat
  std::vector<std::string> required_groups;  // any one of them in "cognito:groups"; empty = none
  std::string player_id_claim = "sub";
};

// Who a verified token speaks for.
struct VerifiedToken {
  std::string player_id;
  std::string subject;     // "sub", for the access log; may equal player_id
  std::string token_use;   // "id" or "access"
  int64_t expires_at = 0;  // epoch seconds ("exp")
  std::vector<std::string> groups;
};

// Checks the claims of a payload against `policy` at time `now` (epoch seconds) and extracts
// the identity. "exp" is required.
Result<VerifiedToken> check_claims(const boost::json::object& payload, const ClaimPolicy& policy,
                                   double now);

}  // namespace sapi::auth
