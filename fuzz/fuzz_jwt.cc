// Player tokens and key sets are untrusted bytes: whatever arrives, the parsers answer with a
// value or an error, never crash, and base64url keeps its one-encoding-per-value promise.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/base64url.h"
#include "auth/jwks.h"
#include "auth/jwt.h"

namespace {

using namespace sapi::auth;

// Checked in every build type (assert vanishes under NDEBUG).
#define FUZZ_CHECK(cond)           \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

void fuzz_token(std::string_view token) {
  auto jwt = parse_jwt(token);
  if (!jwt.ok()) {
    FUZZ_CHECK(!jwt.status().message().empty());
    return;
  }
  FUZZ_CHECK(jwt->signing_input.size() < token.size());
  (void)check_header(jwt->header);
  ClaimPolicy policy;
  policy.issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Fuzz";
  policy.accept_access_tokens = true;
  policy.client_ids = {"client"};
  policy.required_groups = {"players"};
  auto claims = check_claims(jwt->payload, policy, 1'800'000'000.0);
  if (claims.ok()) FUZZ_CHECK(!claims->player_id.empty());
}

void fuzz_base64url(std::string_view text) {
  auto decoded = base64url_decode(text);
  if (decoded.ok()) {
    // Strict decoding accepts only the canonical encoding.
    FUZZ_CHECK(base64url_encode(decoded.value()) == text);
  }
  auto round = base64url_decode(base64url_encode(text));
  FUZZ_CHECK(round.ok() && round.value() == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_token(input);
  fuzz_base64url(input);
  if (!input.empty() && input.front() == '{') (void)parse_jwks(input);
  return 0;
}
