#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "app/config_binder.h"

namespace sapi::app {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sapi_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& toml) {
    auto path = dir_ / "config.toml";
    std::ofstream(path) << toml;
    return path.string();
  }

  // A source that sees only `env`, never the real process environment.
  ConfigSource source(std::optional<std::string> file = std::nullopt) {
    ConfigSource s;
    s.file = std::move(file);
    s.getenv = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    return s;
  }

  std::string all_errors(const LoadedConfig& loaded) {
    std::string out;
    for (const auto& e : loaded.errors) out += e + "\n";
    return out;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(ConfigTest, NoConfigAtAllGivesTheEmbeddedDefaults) {
  LoadedConfig loaded = load_config(source());
  ASSERT_TRUE(loaded.ok()) << all_errors(loaded);
  EXPECT_EQ(loaded.config.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(loaded.config.aws_region, "eu-west-1");
  EXPECT_EQ(loaded.config.log_level, "INFO");
  EXPECT_EQ(loaded.config.data_dir, "./data");
  EXPECT_FALSE(loaded.config.cors.enabled);
}

TEST_F(ConfigTest, FileValuesReplaceDefaults) {
  LoadedConfig loaded = load_config(source(write(R"(
project_name = "hypermage-vr"
log_level = "DEBUG"
tags = { CostCenter = "Development", Owner = "DevOps Team" }
[server]
listen = "0.0.0.0:9000"
base_path = "/dev"
threads = 3
[cors]
enabled = true
allowed_origins = ["https://game.example.com"]
[store]
group_commit = false
)")));
  ASSERT_TRUE(loaded.ok()) << all_errors(loaded);
  const Config& c = loaded.config;
  EXPECT_EQ(c.project_name, "hypermage-vr");
  EXPECT_EQ(c.log_level, "DEBUG");
  EXPECT_EQ(c.tags.at("Owner"), "DevOps Team");
  EXPECT_EQ(c.server.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.server.base_path, "/dev");
  EXPECT_EQ(c.server.threads, 3);
  EXPECT_TRUE(c.cors.enabled);
  EXPECT_EQ(c.cors.allowed_origins, std::vector<std::string>{"https://game.example.com"});
  EXPECT_FALSE(c.store.group_commit);
}

TEST_F(ConfigTest, EnvironmentBeatsFileAndFlagsBeatEnvironment) {
  auto file = write("[server]\nlisten = \"127.0.0.1:1000\"\nthreads = 2\n");
  env_["SESSION_API_SERVER_LISTEN"] = "127.0.0.1:2000";
  env_["SESSION_API_SERVER_THREADS"] = "4";
  env_["SESSION_API_CORS_ALLOWED_ORIGINS"] = "https://a.example, https://b.example";
  env_["SESSION_API_TAGS"] = "Owner=Ops, Team=VR";
  ConfigSource s = source(file);
  s.flags.push_back({"server.listen", "--listen", "127.0.0.1:3000"});
  LoadedConfig loaded = load_config(s);
  ASSERT_TRUE(loaded.ok()) << all_errors(loaded);
  EXPECT_EQ(loaded.config.server.listen, "127.0.0.1:3000");
  EXPECT_EQ(loaded.config.server.threads, 4);
  EXPECT_EQ(loaded.config.cors.allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(loaded.config.tags.at("Team"), "VR");
}

TEST_F(ConfigTest, EveryErrorIsReportedAtOnceNamingItsKey) {
  LoadedConfig loaded = load_config(source(write(R"(
colour = "blue"
log_level = "LOUD"
log_retention_days = "thirty"
[server]
listen = "localhost"
max_body_bytes = 10
surprise = 1
[cors]
allowed_origins = "https://a.example"
[nonsense]
x = 1
)")));
  ASSERT_FALSE(loaded.ok());
  std::string errors = all_errors(loaded);
  EXPECT_NE(errors.find("colour: unknown key"), std::string::npos) << errors;
  EXPECT_NE(errors.find("nonsense: unknown key"), std::string::npos) << errors;
  EXPECT_NE(errors.find("log_level: expected one of DEBUG, INFO, WARN, ERROR, got \"LOUD\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("log_retention_days: expected an integer"), std::string::npos) << errors;
  EXPECT_NE(errors.find("server.listen: expected HOST:PORT, got \"localhost\""), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("server.max_body_bytes: expected an integer from 1024"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("server.surprise: unknown key"), std::string::npos) << errors;
  EXPECT_NE(errors.find("cors.allowed_origins: expected an array of strings"), std::string::npos)
      << errors;
  EXPECT_EQ(loaded.errors.size(), 8u) << errors;
}

TEST_F(ConfigTest, BadEnvironmentValuesNameTheVariable) {
  env_["SESSION_API_SERVER_THREADS"] = "many";
  env_["SESSION_API_CORS_ENABLED"] = "yes";
  LoadedConfig loaded = load_config(source());
  std::string errors = all_errors(loaded);
  EXPECT_NE(errors.find("server.threads (from SESSION_API_SERVER_THREADS): expected an integer"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("cors.enabled (from SESSION_API_CORS_ENABLED): expected true or false"),
            std::string::npos)
      << errors;
}

TEST_F(ConfigTest, SyntaxErrorsGiveTheLine) {
  LoadedConfig loaded = load_config(source(write("a = 1\nlisten = \n")));
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_NE(loaded.errors[0].find("config.toml:2:"), std::string::npos) << loaded.errors[0];
}

TEST_F(ConfigTest, ASectionThatIsNotATableIsAnError) {
  LoadedConfig loaded = load_config(source(write("server = 3\n")));
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors[0], "server: expected a table");
}

TEST_F(ConfigTest, HostPortCheckAcceptsIpv6AndRejectsJunk) {
  EXPECT_EQ(check_host_port("127.0.0.1:0"), "");
  EXPECT_EQ(check_host_port("[::1]:8080"), "");
  EXPECT_EQ(check_host_port("example.com:443"), "");
  EXPECT_NE(check_host_port("::1:8080"), "");
  EXPECT_NE(check_host_port("127.0.0.1:65536"), "");
  EXPECT_NE(check_host_port("127.0.0.1:"), "");
  EXPECT_NE(check_host_port(":80"), "");
  EXPECT_EQ(check_base_path("/dev"), "");
  EXPECT_EQ(check_base_path(""), "");
  EXPECT_NE(check_base_path("dev"), "");
  EXPECT_NE(check_base_path("/dev/"), "");
}

TEST_F(ConfigTest, RenderedConfigurationReadsBackToTheSameValues) {
  LoadedConfig first = load_config(source(write(R"(
environment = "prod"
tags = { Owner = "Ops" }
[server]
listen = "127.0.0.1:7000"
[cors]
allowed_origins = ["*"]
)")));
  ASSERT_TRUE(first.ok()) << all_errors(first);
  std::string rendered = render_config(first.config);
  LoadedConfig second = load_config(source(write(rendered)));
  ASSERT_TRUE(second.ok()) << all_errors(second) << rendered;
  EXPECT_EQ(render_config(second.config), rendered);
  EXPECT_NE(rendered.find("listen = '127.0.0.1:7000'"), std::string::npos) << rendered;
}

TEST_F(ConfigTest, SecretsAreRedactedWhenPrinted) {
  env_["SESSION_API_SERVER_METRICS_TOKEN"] = "very-secret-token";
  LoadedConfig loaded = load_config(source());
  ASSERT_TRUE(loaded.ok()) << all_errors(loaded);
  EXPECT_EQ(loaded.config.server.metrics_token, "very-secret-token");
  std::string rendered = render_config(loaded.config);
  EXPECT_EQ(rendered.find("very-secret-token"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("metrics_token = '<redacted>'"), std::string::npos) << rendered;
  bool listed_as_secret = false;
  for (const ConfigKey& key : list_config_keys()) {
    if (key.key == "server.metrics_token") listed_as_secret = key.secret;
  }
  EXPECT_TRUE(listed_as_secret);
}

TEST_F(ConfigTest, EveryKeyHasItsOwnEnvironmentVariable) {
  std::set<std::string> seen;
  for (const ConfigKey& key : list_config_keys()) {
    EXPECT_TRUE(seen.insert(key.env_var).second) << key.env_var << " names two keys";
  }
  EXPECT_TRUE(seen.contains("SESSION_API_SERVER_LISTEN"));
  EXPECT_TRUE(seen.contains("SESSION_API_LOG_LEVEL"));
}

TEST_F(ConfigTest, EveryKeyIsDocumented) {
  std::ifstream in("docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md missing (tests run from the source root)";
  std::stringstream text;
  text << in.rdbuf();
  for (const ConfigKey& key : list_config_keys()) {
    EXPECT_NE(text.str().find("`" + key.key + "`"), std::string::npos)
        << key.key << " is not in docs/configuration.md";
    EXPECT_NE(text.str().find("`" + key.env_var + "`"), std::string::npos)
        << key.env_var << " is not in docs/configuration.md";
  }
}

// A section declared outside Config, the way app/config_<name>.cc files add theirs.
struct ExampleSecretSection {
  std::string client_id = "abc";
  std::string client_secret;
};

TEST_F(ConfigTest, SectionValuesDeclaredElsewhereAreCopiedDeeply) {
  Config a;
  a.section<ExampleSecretSection>().client_secret = "s3cret";
  Config b = a;
  b.section<ExampleSecretSection>().client_secret = "other";
  EXPECT_EQ(a.section<ExampleSecretSection>().client_secret, "s3cret");
  EXPECT_EQ(b.section<ExampleSecretSection>().client_id, "abc");
}

}  // namespace
}  // namespace sapi::app
