#include "auth/jwks.h"

#include <gtest/gtest.h>

#include "auth/jwt_test_keys.h"

namespace sapi::auth {
namespace {

using testing::jwks_with;
using testing::rsa_key;

TEST(ParseJwks, LoadsRsaKeysByKid) {
  auto set = parse_jwks(jwks_with(rsa_key(2048), "k1"));
  ASSERT_TRUE(set.ok()) << set.status().to_string();
  EXPECT_EQ(set.value()->size(), 1u);
  auto key = set.value()->find("k1");
  ASSERT_NE(key, nullptr);
  EXPECT_NE(key->key(), nullptr);
  EXPECT_EQ(key->alg(), "RS256");
  EXPECT_EQ(set.value()->find("k2"), nullptr);
}

TEST(ParseJwks, KeepsUnusableKeysWithTheirReason) {
  std::string jwk_small = rsa_public_jwk_json(rsa_key(1024), "small").value();
  std::string jwk_enc = rsa_public_jwk_json(rsa_key(2048), "enc").value();
  jwk_enc.replace(jwk_enc.find("\"sig\""), 5, "\"enc\"");
  std::string ec = R"({"kty":"EC","kid":"ec","crv":"P-256","x":"AA","y":"AA"})";
  auto set = parse_jwks(R"({"keys":[)" + jwk_small + "," + jwk_enc + "," + ec + "]}");
  ASSERT_TRUE(set.ok()) << set.status().to_string();
  EXPECT_EQ(set.value()->find("small")->key(), nullptr);
  EXPECT_NE(set.value()->find("small")->unusable_reason().find("1024 bits"), std::string::npos);
  EXPECT_EQ(set.value()->find("enc")->unusable_reason(), "key is not a signature key");
  EXPECT_EQ(set.value()->find("ec")->unusable_reason(), "key type is not RSA");
}

TEST(ParseJwks, AcceptsKeysWithoutUseOrAlg) {
  std::string n_e = rsa_public_jwk_json(rsa_key(2048), "x").value();
  size_t n = n_e.find("\"n\"");
  std::string bare = R"({"kty":"RSA","kid":"bare",)" + n_e.substr(n);
  auto set = parse_jwks(R"({"keys":[)" + bare + "]}");
  ASSERT_TRUE(set.ok()) << set.status().to_string();
  EXPECT_NE(set.value()->find("bare")->key(), nullptr);
  EXPECT_FALSE(set.value()->find("bare")->alg().has_value());
}

TEST(ParseJwks, RejectsMalformedDocuments) {
  EXPECT_FALSE(parse_jwks("").ok());
  EXPECT_FALSE(parse_jwks("[]").ok());
  EXPECT_FALSE(parse_jwks(R"({"keys":{}})").ok());
  EXPECT_FALSE(parse_jwks(R"({"keys":[1]})").ok());
  EXPECT_FALSE(parse_jwks(R"({"keys":[{"kty":"RSA"}]})").ok());
  std::string jwk = rsa_public_jwk_json(rsa_key(2048), "k1").value();
  EXPECT_FALSE(parse_jwks(R"({"keys":[)" + jwk + "," + jwk + "]}").ok());
  EXPECT_FALSE(parse_jwks(R"({"keys":[],"keys":[]})").ok());
}

TEST(ParseJwks, MarksBrokenModulusUnusable) {
  auto set = parse_jwks(R"({"keys":[{"kty":"RSA","kid":"k","n":"!!","e":"AQAB"}]})");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set.value()->find("k")->key(), nullptr);
  std::string jwk = rsa_public_jwk_json(rsa_key(2048), "k").value();
  jwk.replace(jwk.find("\"AQAB\""), 6, "\"Ag\"");  // even exponent
  EXPECT_EQ(parse_jwks(R"({"keys":[)" + jwk + "]}").value()->find("k")->key(), nullptr);
}

TEST(RsaJwkThumbprint, IsStableAndDiffersPerKey) {
  auto a = rsa_jwk_thumbprint(rsa_key(2048));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value(), rsa_jwk_thumbprint(rsa_key(2048)).value());
  EXPECT_NE(a.value(), rsa_jwk_thumbprint(rsa_key(2048, 1)).value());
  EXPECT_EQ(a->size(), 43u);
}

}  // namespace
}  // namespace sapi::auth
