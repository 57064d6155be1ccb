#include "auth/local_issuer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "auth/jwt_verifier.h"

namespace sapi::auth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LocalIssuerTest : public ::testing::Test {
 protected:
  LocalIssuerTest() {
    dir_ = fs::temp_directory_path() /
           ("sapi-local-issuer-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  ~LocalIssuerTest() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(LocalIssuerTest, CreatesAPrivateKeyFileOnFirstUseAndReusesIt) {
  auto a = LocalIssuer::load_or_create(dir_, "http://127.0.0.1:8080/local", "local-client");
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / LocalIssuer::kKeyFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto b = LocalIssuer::load_or_create(dir_, "http://127.0.0.1:8080/local", "local-client");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a.value()->kid(), b.value()->kid());
  EXPECT_EQ(a.value()->jwks_json(), b.value()->jwks_json());
}

TEST_F(LocalIssuerTest, ConcurrentFirstStartsAgreeOnOneKey) {
  std::string kids[4];
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto issuer = LocalIssuer::load_or_create(dir_, "iss", "c");
      if (issuer.ok()) kids[i] = issuer.value()->kid();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(kids[0].empty());
  for (const auto& k : kids) EXPECT_EQ(k, kids[0]);
}

TEST_F(LocalIssuerTest, IssuesCognitoShapedIdTokensItsOwnKeysVerify) {
  auto issuer = LocalIssuer::load_or_create(dir_, "http://127.0.0.1:8080/local", "local-client");
  ASSERT_TRUE(issuer.ok());
  ManualClock clock(std::chrono::system_clock::from_time_t(1'800'000'000));
  auto token = issuer.value()->issue("alice", 3600s, clock.now(), {"players"});
  ASSERT_TRUE(token.ok());

  JwtVerifier::Options options;
  options.policy.issuer = "http://127.0.0.1:8080/local";
  options.policy.client_ids = {"local-client"};
  JwtVerifier verifier(options, std::make_unique<StaticKeyProvider>(issuer.value()->key_set()),
                       clock);
  auto verified = verifier.verify(token.value());
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_EQ(verified->player_id, "alice");
  EXPECT_EQ(verified->token_use, "id");
  EXPECT_EQ(verified->expires_at, 1'800'003'600);
  EXPECT_EQ(verified->groups, std::vector<std::string>{"players"});

  auto jwt = parse_jwt(token.value()).value();
  EXPECT_EQ(jwt.header.at("kid").as_string(), issuer.value()->kid());
  EXPECT_EQ(jwt.payload.at("cognito:username").as_string(), "alice");
  EXPECT_EQ(jwt.payload.at("auth_time").as_int64(), 1'800'000'000);

  clock.advance(3700s);
  EXPECT_EQ(verifier.verify(token.value()).status().message(), "token expired");
}

TEST_F(LocalIssuerTest, RefusesAKeyFileThatIsNotAnRsaKey) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / LocalIssuer::kKeyFile) << "not a key";
  EXPECT_FALSE(LocalIssuer::load_or_create(dir_, "iss", "c").ok());
}

}  // namespace
}  // namespace sapi::auth
