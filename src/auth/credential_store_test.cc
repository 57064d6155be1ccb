// The credentials file: shapes of generated keys, atomic 0600 writes, refusal of files others
// can read, locked concurrent updates, and reloading on change.

#include "auth/credential_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <thread>

namespace sapi::auth {
namespace {

namespace fs = std::filesystem;

class CredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sapi-cred-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "credentials.json";
  }
  void TearDown() override { fs::remove_all(dir_); }

  Status add(const Credential& c) {
    return update_credentials_file(path_, [&](std::vector<Credential>& all) {
      all.push_back(c);
      return Status{};
    });
  }

  fs::path dir_;
  fs::path path_;
};

TEST(GenerateCredential, HasAwsShapedKeysFromTheCsprng) {
  Credential a = generate_credential("gs", false, 100, std::nullopt, {"*"});
  Credential b = generate_credential("gs", false, 100, std::nullopt, {"*"});
  EXPECT_TRUE(std::regex_match(a.access_key_id, std::regex("AKIA[A-Z2-7]{16}")));
  EXPECT_EQ(a.secret_access_key.size(), 40u);
  EXPECT_FALSE(a.session_token);
  EXPECT_NE(a.access_key_id, b.access_key_id);
  EXPECT_NE(a.secret_access_key, b.secret_access_key);
  Credential t = generate_credential("gs", true, 100, 200, {"*"});
  EXPECT_TRUE(std::regex_match(t.access_key_id, std::regex("ASIA[A-Z2-7]{16}")));
  ASSERT_TRUE(t.session_token);
  EXPECT_GE(t.session_token->size(), 100u);
  EXPECT_EQ(t.expires_at, 200);
}

TEST_F(CredentialStoreTest, MissingFileIsAnEmptySet) {
  auto loaded = load_credentials_file(path_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->empty());
}

TEST_F(CredentialStoreTest, RoundTripsEveryFieldInA0600File) {
  Credential c = generate_credential("game-server-1", true, 1000, 5000,
                                     {"POST /session-summary", "GET /identity/*"});
  ASSERT_TRUE(add(c).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = load_credentials_file(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  ASSERT_EQ(loaded->size(), 1u);
  const Credential& l = loaded->front();
  EXPECT_EQ(l.name, c.name);
  EXPECT_EQ(l.access_key_id, c.access_key_id);
  EXPECT_EQ(l.secret_access_key, c.secret_access_key);
  EXPECT_EQ(l.session_token, c.session_token);
  EXPECT_EQ(l.created_at, 1000);
  EXPECT_EQ(l.expires_at, 5000);
  EXPECT_EQ(l.routes, c.routes);
  EXPECT_FALSE(fs::exists(dir_ / ("credentials.json.tmp." + std::to_string(::getpid()))));
}

TEST_F(CredentialStoreTest, RefusesAFileOthersCanRead) {
  ASSERT_TRUE(add(generate_credential("a", false, 1, std::nullopt, {"*"})).ok());
  ::chmod(path_.c_str(), 0644);
  auto loaded = load_credentials_file(path_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(CredentialStoreTest, RefusesMalformedFilesWithoutEchoingSecrets) {
  for (std::string text : {"not json", "[]", R"({"credentials":[{"name":"a"}]})",
                           R"({"credentials":[{"name":"a","accessKeyId":"K","secretAccessKey":)"
                           R"("SECRETVALUE","routes":["bad"]}]})"}) {
    {
      std::ofstream out(path_);
      out << text;
    }
    ::chmod(path_.c_str(), 0600);
    auto loaded = load_credentials_file(path_);
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(loaded.status().message().find("SECRETVALUE"), std::string::npos);
  }
}

TEST_F(CredentialStoreTest, ConcurrentUpdatesLoseNothing) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 5; ++j) {
        EXPECT_TRUE(
            add(generate_credential("gs-" + std::to_string(i), false, 1, std::nullopt, {"*"}))
                .ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto loaded = load_credentials_file(path_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 40u);
}

TEST_F(CredentialStoreTest, ReloadsWhenTheFileChanges) {
  CredentialStore store(path_, std::chrono::milliseconds(0));
  ASSERT_TRUE(store.load().ok());
  EXPECT_EQ(store.size(), 0u);
  Credential c = generate_credential("gs", false, 1, std::nullopt, {"*"});
  ASSERT_TRUE(add(c).ok());
  auto found = store.find(c.access_key_id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->secret_access_key, c.secret_access_key);
  ASSERT_TRUE(update_credentials_file(path_, [](std::vector<Credential>& all) {
                all.clear();
                return Status{};
              }).ok());
  EXPECT_FALSE(store.find(c.access_key_id));
}

TEST_F(CredentialStoreTest, KeepsTheLastGoodSetWhenAReloadFails) {
  Credential c = generate_credential("gs", false, 1, std::nullopt, {"*"});
  ASSERT_TRUE(add(c).ok());
  CredentialStore store(path_, std::chrono::milliseconds(0));
  ASSERT_TRUE(store.load().ok());
  {
    std::ofstream out(path_, std::ios::app);
    out << "garbage";
  }
  EXPECT_TRUE(store.find(c.access_key_id));
  EXPECT_FALSE(store.last_error().empty());
}

TEST_F(CredentialStoreTest, ChecksTheFileAtMostOncePerInterval) {
  CredentialStore store(path_, std::chrono::hours(1));
  ASSERT_TRUE(store.load().ok());
  Credential c = generate_credential("gs", false, 1, std::nullopt, {"*"});
  ASSERT_TRUE(add(c).ok());
  EXPECT_FALSE(store.find(c.access_key_id)) << "not looked at again within the interval";
}

TEST(RoutePatterns, MatchMethodAndPathOrPrefix) {
  EXPECT_TRUE(route_allows("*", "DELETE", "/anything"));
  EXPECT_TRUE(route_allows("POST /session-summary", "POST", "/session-summary"));
  EXPECT_FALSE(route_allows("POST /session-summary", "GET", "/session-summary"));
  EXPECT_FALSE(route_allows("POST /session-summary", "POST", "/session-summary/x"));
  EXPECT_TRUE(route_allows("* /identity/*", "GET", "/identity/game-server"));
  EXPECT_FALSE(route_allows("* /identity/*", "GET", "/identityx"));
  EXPECT_FALSE(valid_route_pattern("post /x"));
  EXPECT_FALSE(valid_route_pattern("GET /a*b"));
  EXPECT_FALSE(valid_route_pattern("/x"));
}

}  // namespace
}  // namespace sapi::auth
