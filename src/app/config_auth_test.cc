#include "app/config_auth.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace sapi::app {
namespace {

namespace fs = std::filesystem;

class AuthConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sapi_auth_config_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  LoadedConfig load(const std::string& toml) {
    fs::path path = dir_ / "config.toml";
    std::ofstream(path) << toml;
    ConfigSource s;
    s.file = path.string();
    s.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      return it == env_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    return load_config(s);
  }
  static std::string errors(const LoadedConfig& l) {
    std::string out;
    for (const auto& e : l.errors) out += e + "\n";
    return out;
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(AuthConfigTest, DefaultsRunTheLocalIssuerForIdTokens) {
  LoadedConfig l = load("");
  ASSERT_TRUE(l.ok()) << errors(l);
  const auto& a = l.config.section<AuthConfig>();
  EXPECT_EQ(a.issuer, "");
  EXPECT_EQ(a.token_use, "id");
  EXPECT_EQ(a.player_id_claim, "sub");
  EXPECT_FALSE(a.trust_body_player_id);
  EXPECT_EQ(a.clock_skew_seconds, 30);
  EXPECT_EQ(a.sigv4_service, "execute-api");
  EXPECT_FALSE(a.allow_unsigned_payload);
  EXPECT_EQ(sigv4_region(l.config), "eu-west-1");
  EXPECT_EQ(credentials_file(l.config), (fs::path("./data") / "credentials.json").string());
  EXPECT_EQ(local_issuer_url(l.config), "http://127.0.0.1:8080/local");
}

TEST_F(AuthConfigTest, ReadsEveryKeyFromTheFile) {
  LoadedConfig l = load(R"(
aws_region = "us-east-1"
data_dir = "/var/lib/session-api"
[auth]
issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool"
jwks_url = "https://keys.example.com/jwks.json"
token_use = "both"
client_ids = ["a", "b"]
clock_skew_seconds = 5
required_groups = ["players"]
player_id_claim = "cognito:username"
trust_body_player_id = true
token_cache_seconds = 0
sigv4_region = "eu-central-1"
allow_unsigned_payload = true
credentials_file = "/etc/session-api/credentials.json"
)");
  ASSERT_TRUE(l.ok()) << errors(l);
  const auto& a = l.config.section<AuthConfig>();
  EXPECT_EQ(a.issuer, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool");
  EXPECT_EQ(a.client_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(a.token_cache_seconds, 0);
  EXPECT_TRUE(a.trust_body_player_id);
  EXPECT_EQ(sigv4_region(l.config), "eu-central-1");
  EXPECT_EQ(credentials_file(l.config), "/etc/session-api/credentials.json");
}

TEST_F(AuthConfigTest, TheEnvironmentOverridesTheFile) {
  env_["SESSION_API_AUTH_TOKEN_USE"] = "access";
  env_["SESSION_API_AUTH_CLIENT_IDS"] = "x,y";
  LoadedConfig l = load("[auth]\ntoken_use = \"id\"\n");
  ASSERT_TRUE(l.ok()) << errors(l);
  EXPECT_EQ(l.config.section<AuthConfig>().token_use, "access");
  EXPECT_EQ(l.config.section<AuthConfig>().client_ids, (std::vector<std::string>{"x", "y"}));
}

TEST_F(AuthConfigTest, RejectsBadValuesNamingTheKey) {
  LoadedConfig l = load(R"(
[auth]
issuer = "cognito"
token_use = "refresh"
clock_skew_seconds = 100000
player_id_claim = ""
unknown_key = 1
)");
  ASSERT_FALSE(l.ok());
  std::string e = errors(l);
  for (const char* key : {"auth.issuer", "auth.token_use", "auth.clock_skew_seconds",
                          "auth.player_id_claim", "auth.unknown_key"}) {
    EXPECT_NE(e.find(key), std::string::npos) << key << " in:\n" << e;
  }
}

TEST_F(AuthConfigTest, TheLocalIssuerUrlIsConfiguredOrRecordedOrDerived) {
  LoadedConfig l = load("data_dir = \"" + (dir_ / "data").string() +
                        "\"\n[server]\nlisten = \"0.0.0.0:9000\"\n");
  ASSERT_TRUE(l.ok()) << errors(l);
  EXPECT_EQ(local_issuer_url(l.config), "http://0.0.0.0:9000/local");
  fs::create_directories(dir_ / "data");
  std::ofstream(dir_ / "data" / "local-issuer.json")
      << R"({"issuer":"http://127.0.0.1:4321/local"})";
  EXPECT_EQ(local_issuer_url(l.config), "http://127.0.0.1:4321/local");
  l.config.section<AuthConfig>().local_issuer = "https://games.example.com/local";
  EXPECT_EQ(local_issuer_url(l.config), "https://games.example.com/local");
}

}  // namespace
}  // namespace sapi::app
