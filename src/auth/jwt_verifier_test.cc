#include "auth/jwt_verifier.h"

#include <gtest/gtest.h>

#include "auth/jwt_test_keys.h"

namespace sapi::auth {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::jwks_with;
using testing::rsa_key;
using testing::sign;

constexpr int64_t kNow = 1'800'000'000;

class CountingKeys final : public KeyProvider {
 public:
  explicit CountingKeys(std::shared_ptr<const KeySet> keys) : keys_(std::move(keys)) {}
  std::shared_ptr<const Jwk> find(std::string_view kid) override {
    ++lookups;
    return keys_->find(kid);
  }
  int lookups = 0;

 private:
  std::shared_ptr<const KeySet> keys_;
};

class JwtVerifierTest : public ::testing::Test {
 protected:
  JwtVerifierTest() : clock_(std::chrono::system_clock::from_time_t(kNow)) {
    auto keys = std::make_unique<CountingKeys>(parse_jwks(jwks_with(rsa_key(2048), "k1")).value());
    keys_ = keys.get();
    JwtVerifier::Options options;
    options.policy.issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool";
    options.policy.client_ids = {"client-a"};
    options.cache_max_age = 60s;
    verifier_ = std::make_unique<JwtVerifier>(options, std::move(keys), clock_);
  }
  json::object payload(int64_t exp_in = 3600) {
    return {{"iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool"},
            {"aud", "client-a"},
            {"token_use", "id"},
            {"sub", "alice"},
            {"exp", kNow + exp_in},
            {"iat", kNow}};
  }
  std::string token(const json::object& p, const std::string& kid = "k1") {
    return sign(rsa_key(2048), {{"alg", "RS256"}, {"kid", kid}}, p);
  }
  ManualClock clock_;
  CountingKeys* keys_ = nullptr;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(JwtVerifierTest, AcceptsAValidToken) {
  auto r = verifier_->verify(token(payload()));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->player_id, "alice");
}

TEST_F(JwtVerifierTest, ReportsWhatFailedWithoutQuotingTheToken) {
  std::string t = token(payload(), "k2");
  auto r = verifier_->verify(t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(r.status().message(), "unknown signing key");
  EXPECT_EQ(r.status().message().find(t.substr(0, 20)), std::string::npos);
  EXPECT_EQ(verifier_->verify("garbage").status().message(), "malformed token: not three segments");
}

TEST_F(JwtVerifierTest, CachesSuccessesOnly) {
  std::string good = token(payload());
  ASSERT_TRUE(verifier_->verify(good).ok());
  ASSERT_TRUE(verifier_->verify(good).ok());
  EXPECT_EQ(keys_->lookups, 1);
  json::object bad = payload();
  bad["aud"] = "client-b";
  std::string wrong = token(bad);
  EXPECT_FALSE(verifier_->verify(wrong).ok());
  EXPECT_FALSE(verifier_->verify(wrong).ok());
  EXPECT_EQ(keys_->lookups, 3);
}

TEST_F(JwtVerifierTest, CachedTokensStillExpire) {
  std::string t = token(payload(100));
  ASSERT_TRUE(verifier_->verify(t).ok());
  clock_.advance(50s);
  EXPECT_TRUE(verifier_->verify(t).ok());
  EXPECT_EQ(keys_->lookups, 1);
  clock_.advance(70s);  // past max age: verified again, from scratch
  EXPECT_TRUE(verifier_->verify(t).ok());
  EXPECT_EQ(keys_->lookups, 2);
  clock_.advance(200s);  // past exp and skew
  EXPECT_EQ(verifier_->verify(t).status().message(), "token expired");
}

TEST_F(JwtVerifierTest, RefusesOversizedTokensBeforeHashing) {
  EXPECT_EQ(verifier_->verify(std::string(kMaxTokenBytes + 1, 'a')).status().message(),
            "malformed token: too long");
}

}  // namespace
}  // namespace sapi::auth
