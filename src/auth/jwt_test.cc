#include "auth/jwt.h"

#include <gtest/gtest.h>

#include "auth/base64url.h"
#include "auth/jwt_test_keys.h"

namespace sapi::auth {
namespace {

namespace json = boost::json;
using testing::rsa_key;
using testing::sign;

constexpr double kNow = 1'800'000'000;

json::object good_header() { return {{"alg", "RS256"}, {"kid", "k1"}}; }
json::object good_payload() {
  return {{"iss", "https://issuer.example/pool"},
          {"aud", "client-a"},
          {"token_use", "id"},
          {"sub", "alice"},
          {"exp", kNow + 600},
          {"iat", kNow - 10}};
}
ClaimPolicy policy() {
  ClaimPolicy p;
  p.issuer = "https://issuer.example/pool";
  p.client_ids = {"client-a"};
  return p;
}
std::string b64(std::string_view s) { return base64url_encode(s); }

TEST(ParseJwt, SplitsAndDecodesAWellFormedToken) {
  std::string token = sign(rsa_key(2048), good_header(), good_payload());
  auto jwt = parse_jwt(token);
  ASSERT_TRUE(jwt.ok()) << jwt.status().to_string();
  EXPECT_EQ(jwt->header.at("kid").as_string(), "k1");
  EXPECT_EQ(jwt->payload.at("sub").as_string(), "alice");
  EXPECT_EQ(jwt->signature.size(), 256u);
  EXPECT_EQ(jwt->signing_input, token.substr(0, token.rfind('.')));
}

TEST(ParseJwt, RejectsWrongSegmentCounts) {
  std::string h = b64(R"({"alg":"RS256","kid":"k1"})"), p = b64(R"({"sub":"a"})");
  EXPECT_FALSE(parse_jwt(h + "." + p).ok());
  EXPECT_FALSE(parse_jwt(h + "." + p + ".c2ln.c2ln").ok());
  EXPECT_FALSE(parse_jwt(h + "." + p + ".").ok());  // alg none style: empty signature
  EXPECT_FALSE(parse_jwt("." + p + ".c2ln").ok());
  EXPECT_FALSE(parse_jwt("").ok());
  EXPECT_FALSE(parse_jwt("abc").ok());
}

TEST(ParseJwt, RejectsBadBase64Url) {
  std::string h = b64(R"({"alg":"RS256","kid":"k1"})"), p = b64(R"({"sub":"a"})");
  EXPECT_FALSE(parse_jwt(h + "=." + p + ".c2ln").ok());
  EXPECT_FALSE(parse_jwt(h + "." + p + ".c2ln=").ok());
  EXPECT_FALSE(parse_jwt(h + "." + p + ".c2+n").ok());
  EXPECT_FALSE(parse_jwt(h + " ." + p + ".c2ln").ok());
}

TEST(ParseJwt, RejectsNonObjectAndDuplicateKeyJson) {
  std::string h = b64(R"({"alg":"RS256","kid":"k1"})");
  EXPECT_FALSE(parse_jwt(h + "." + b64("[1]") + ".c2ln").ok());
  EXPECT_FALSE(parse_jwt(h + "." + b64(R"("x")") + ".c2ln").ok());
  EXPECT_FALSE(parse_jwt(h + "." + b64(R"({"sub":"a","sub":"b"})") + ".c2ln").ok());
  EXPECT_FALSE(parse_jwt(b64(R"({"alg":"RS256","alg":"none"})") + "." + b64("{}") + ".c2ln").ok());
}

TEST(ParseJwt, RejectsOversizedTokens) {
  json::object payload = good_payload();
  payload["pad"] = std::string(kMaxTokenBytes, 'x');
  std::string token = sign(rsa_key(2048), good_header(), payload);
  auto r = parse_jwt(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "malformed token: too long");
}

TEST(CheckHeader, AcceptsRs256WithKidAndReturnsIt) {
  auto kid = check_header(good_header());
  ASSERT_TRUE(kid.ok());
  EXPECT_EQ(kid.value(), "k1");
  EXPECT_TRUE(check_header({{"alg", "RS256"}, {"kid", "k"}, {"typ", "JWT"}}).ok());
}

TEST(CheckHeader, RejectsEveryOtherAlgorithm) {
  for (const char* alg : {"none", "HS256", "RS384", "RS512", "PS256", "ES256", "rs256", ""}) {
    auto r = check_header({{"alg", alg}, {"kid", "k1"}});
    EXPECT_FALSE(r.ok()) << alg;
  }
  EXPECT_FALSE(check_header({{"kid", "k1"}}).ok());
  EXPECT_FALSE(check_header({{"alg", 1}, {"kid", "k1"}}).ok());
}

TEST(CheckHeader, RequiresAKidAndASaneTyp) {
  EXPECT_EQ(check_header({{"alg", "RS256"}}).status().message(), "token has no kid");
  EXPECT_FALSE(check_header({{"alg", "RS256"}, {"kid", ""}}).ok());
  EXPECT_FALSE(check_header({{"alg", "RS256"}, {"kid", 7}}).ok());
  EXPECT_FALSE(check_header({{"alg", "RS256"}, {"kid", std::string(300, 'k')}}).ok());
  EXPECT_FALSE(check_header({{"alg", "RS256"}, {"kid", "k"}, {"typ", "JWE"}}).ok());
  EXPECT_FALSE(check_header({{"alg", "RS256"}, {"kid", "k"}, {"typ", 1}}).ok());
  EXPECT_FALSE(check_header({{"alg", "RS256"}, {"kid", "k"}, {"crit", json::array{"exp"}}}).ok());
}

class SignatureTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Jwk> jwk(EVP_PKEY* key, const std::string& extra = "") {
    std::string j = rsa_public_jwk_json(key, "k1").value();
    if (!extra.empty()) j = j.substr(0, j.size() - 1) + "," + extra + "}";
    return parse_jwks(R"({"keys":[)" + j + "]}").value()->find("k1");
  }
};

TEST_F(SignatureTest, AcceptsTheSigningKeyAndNoOther) {
  std::string token = sign(rsa_key(2048), good_header(), good_payload());
  auto jwt = parse_jwt(token).value();
  EXPECT_TRUE(check_signature(jwt, *jwk(rsa_key(2048))).ok());
  EXPECT_EQ(check_signature(jwt, *jwk(rsa_key(2048, 1))).message(), "bad signature");
}

TEST_F(SignatureTest, RejectsTamperedPayloadAndSignature) {
  std::string token = sign(rsa_key(2048), good_header(), good_payload());
  json::object other = good_payload();
  other["sub"] = "bob";
  std::string swapped = token.substr(0, token.find('.') + 1) + b64(json::serialize(other)) +
                        token.substr(token.rfind('.'));
  EXPECT_FALSE(check_signature(parse_jwt(swapped).value(), *jwk(rsa_key(2048))).ok());
  auto jwt = parse_jwt(token).value();
  jwt.signature[10] ^= 1;
  EXPECT_FALSE(check_signature(jwt, *jwk(rsa_key(2048))).ok());
  jwt.signature.pop_back();
  EXPECT_FALSE(check_signature(jwt, *jwk(rsa_key(2048))).ok());
}

TEST_F(SignatureTest, HonoursTheJwkAlg) {
  auto jwt = parse_jwt(sign(rsa_key(2048), good_header(), good_payload())).value();
  // rsa_public_jwk_json writes alg RS256; replace it with another.
  std::string j = rsa_public_jwk_json(rsa_key(2048), "k1").value();
  j.replace(j.find("RS256"), 5, "RS384");
  auto key = parse_jwks(R"({"keys":[)" + j + "]}").value()->find("k1");
  EXPECT_EQ(check_signature(jwt, *key).message(), "signing key is not for RS256");
}

TEST_F(SignatureTest, RefusesUnusableKeys) {
  auto jwt = parse_jwt(sign(rsa_key(1024), good_header(), good_payload())).value();
  auto small = jwk(rsa_key(1024));
  ASSERT_EQ(small->key(), nullptr);
  EXPECT_NE(check_signature(jwt, *small).message().find("under 2048"), std::string::npos);
}

TEST(CheckClaims, AcceptsAGoodIdTokenAndExtractsTheIdentity) {
  json::object p = good_payload();
  p["cognito:groups"] = json::array{"players", "testers"};
  auto r = check_claims(p, policy(), kNow);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->player_id, "alice");
  EXPECT_EQ(r->token_use, "id");
  EXPECT_EQ(r->expires_at, static_cast<int64_t>(kNow) + 600);
  EXPECT_EQ(r->groups, (std::vector<std::string>{"players", "testers"}));
}

TEST(CheckClaims, ChecksIssuerExactly) {
  json::object p = good_payload();
  p["iss"] = "https://issuer.example/pool/";
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "wrong issuer");
  p.erase("iss");
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "wrong issuer");
}

TEST(CheckClaims, ChecksTokenUseAgainstPolicy) {
  json::object p = good_payload();
  p["token_use"] = "access";
  p["client_id"] = "client-a";
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "wrong token_use");
  ClaimPolicy both = policy();
  both.accept_access_tokens = true;
  EXPECT_TRUE(check_claims(p, both, kNow).ok());
  ClaimPolicy access_only = both;
  access_only.accept_id_tokens = false;
  EXPECT_FALSE(check_claims(good_payload(), access_only, kNow).ok());
  p.erase("token_use");
  EXPECT_EQ(check_claims(p, both, kNow).status().message(), "wrong token_use");
}

TEST(CheckClaims, ChecksAudienceForIdTokensAndClientIdForAccessTokens) {
  json::object p = good_payload();
  p["aud"] = "client-b";
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "wrong audience");
  p["aud"] = json::array{"client-a"};  // Cognito's aud is one string, as aws-jwt-verify expects
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "wrong audience");
  ClaimPolicy any = policy();
  any.client_ids.clear();
  p["aud"] = "client-z";
  EXPECT_TRUE(check_claims(p, any, kNow).ok());

  ClaimPolicy access = policy();
  access.accept_access_tokens = true;
  json::object a = good_payload();
  a.erase("aud");
  a["token_use"] = "access";
  a["client_id"] = "client-b";
  EXPECT_EQ(check_claims(a, access, kNow).status().message(), "wrong client_id");
  a["client_id"] = "client-a";
  EXPECT_TRUE(check_claims(a, access, kNow).ok());
  // An access token's aud is not its client id.
  a.erase("client_id");
  a["aud"] = "client-a";
  EXPECT_FALSE(check_claims(a, access, kNow).ok());
}

TEST(CheckClaims, RequiresExpAndHonoursSkew) {
  json::object p = good_payload();
  p.erase("exp");
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "token has no exp");
  p["exp"] = "soon";
  EXPECT_FALSE(check_claims(p, policy(), kNow).ok());
  p["exp"] = kNow - 10;  // within the 30 s skew
  EXPECT_TRUE(check_claims(p, policy(), kNow).ok());
  p["exp"] = kNow - 31;
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "token expired");
  ClaimPolicy strict = policy();
  strict.clock_skew = std::chrono::seconds(0);
  p["exp"] = kNow - 1;
  EXPECT_EQ(check_claims(p, strict, kNow).status().message(), "token expired");
}

TEST(CheckClaims, HonoursNbfAndIat) {
  json::object p = good_payload();
  p["nbf"] = kNow + 20;
  EXPECT_TRUE(check_claims(p, policy(), kNow).ok());
  p["nbf"] = kNow + 120;
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "token not yet valid");
  p = good_payload();
  p["iat"] = kNow + 120;
  EXPECT_EQ(check_claims(p, policy(), kNow).status().message(), "token issued in the future");
  p["iat"] = "yesterday";
  EXPECT_FALSE(check_claims(p, policy(), kNow).ok());
}

TEST(CheckClaims, RequiresOneOfTheRequiredGroups) {
  ClaimPolicy p = policy();
  p.required_groups = {"players", "admins"};
  EXPECT_EQ(check_claims(good_payload(), p, kNow).status().code(), Code::kPermissionDenied);
  json::object payload = good_payload();
  payload["cognito:groups"] = json::array{"admins"};
  EXPECT_TRUE(check_claims(payload, p, kNow).ok());
  payload["cognito:groups"] = "admins";
  EXPECT_FALSE(check_claims(payload, p, kNow).ok());
}

TEST(CheckClaims, TakesThePlayerIdFromTheConfiguredClaim) {
  ClaimPolicy p = policy();
  p.player_id_claim = "cognito:username";
  json::object payload = good_payload();
  EXPECT_EQ(check_claims(payload, p, kNow).status().message(),
            "token has no cognito:username claim");
  payload["cognito:username"] = "alice-name";
  EXPECT_EQ(check_claims(payload, p, kNow)->player_id, "alice-name");
  payload = good_payload();
  payload["sub"] = "";
  EXPECT_FALSE(check_claims(payload, policy(), kNow).ok());
}

}  // namespace
}  // namespace sapi::auth
