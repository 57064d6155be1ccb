// Configurations: the file format, validation at start-up and the embedded defaults.

#include "matchmaking/configuration.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "matchmaking/service_test_util.h"
#include "store/store_test_util.h"

namespace sapi::matchmaking {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Configurations, ReadsEveryFlexMatchField) {
  auto parsed = parse_configurations(R"({"configurations": [{
      "name": "ranked-1", "ruleSetFile": "config/matchmaking/two-teams.json",
      "requestTimeoutSeconds": 300, "acceptanceRequired": true, "acceptanceTimeoutSeconds": 20,
      "backfillMode": "AUTOMATIC", "flexMatchMode": "WITH_QUEUE", "additionalPlayerCount": 2,
      "gameProperties": [{"key": "map", "value": "forest"}], "gameSessionData": "gsd",
      "customEventData": "ced", "notificationTarget": "https://example.org/hook"}]})",
                                     ".");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  const Configuration& c = (*parsed)[0];
  EXPECT_EQ(c.name, "ranked-1");
  EXPECT_EQ(c.rule_set_name, "two-teams");
  EXPECT_EQ(c.request_timeout_seconds, 300);
  EXPECT_TRUE(c.acceptance_required);
  EXPECT_EQ(c.acceptance_timeout_seconds, 20);
  EXPECT_EQ(c.backfill_mode, BackfillMode::kAutomatic);
  EXPECT_EQ(c.flex_match_mode, FlexMatchMode::kWithQueue);
  EXPECT_EQ(c.additional_player_count, 2);
  ASSERT_EQ(c.game_properties.size(), 1u);
  EXPECT_EQ(c.game_properties[0].second, "forest");
  EXPECT_EQ(c.game_session_data, "gsd");
  EXPECT_EQ(c.custom_event_data, "ced");
  EXPECT_EQ(c.notification_target, "https://example.org/hook");
  ASSERT_NE(c.rules, nullptr);
  EXPECT_EQ(c.rules->teams.size(), 2u);
}

TEST(Configurations, ReportsEveryProblemWithItsKey) {
  auto parsed = parse_configurations(R"({"configurations": [{
      "name": "bad name", "ruleSetBody": {"name": "x"}, "requestTimeoutSeconds": 0,
      "flexMatchMode": "SOMETIMES", "colour": "blue",
      "notificationTarget": "ftp://x"}]})",
                                     ".");
  ASSERT_FALSE(parsed.ok());
  const std::string& m = parsed.status().message();
  for (const char* expected :
       {"configurations[0].name", "configurations[0].requestTimeoutSeconds: expected 1 to 43200",
        "configurations[0].flexMatchMode: expected STANDALONE or WITH_QUEUE",
        "configurations[0].colour: unknown key", "configurations[0].notificationTarget",
        "configurations[0] rule set: "}) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << " in\n" << m;
  }
}

TEST(Configurations, AnInvalidRuleSetIsRefusedWithTheValidatorsMessages) {
  auto parsed = parse_configurations(R"({"configurations": [{"name": "c",
      "ruleSetBody": {"ruleLanguageVersion": "1.0", "teams": [{"name": "a", "minPlayers": 5,
      "maxPlayers": 2}]}}]})",
                                     ".");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("teams[0]"), std::string::npos)
      << parsed.status().message();
}

TEST(Configurations, RuleSetFilesAreReadRelativeToTheConfigurationsFile) {
  store::testing::TempDir dir;
  std::ofstream(dir.path() + "/rules.json") << read("config/matchmaking/seed-game.json");
  std::ofstream(dir.path() + "/mm.json")
      << R"({"configurations": [{"name": "g", "ruleSetFile": "rules.json"}]})";
  auto loaded = load_configurations_file(dir.path() + "/mm.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_TRUE((*loaded)[0].rules->has_latency_rule());
  auto missing = load_configurations_file(dir.path() + "/none.json");
  EXPECT_FALSE(missing.ok());
}

// Found by fuzz_configurations: a rule-set path at a device was read until memory ran out.
TEST(Configurations, ARuleSetFileMustBeAnOrdinaryFileOfReasonableSize) {
  auto device = parse_configurations(
      R"({"configurations": [{"name": "z", "ruleSetFile": "/dev/zero"}]})", ".");
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.status().message().find("/dev/zero: not a regular file"), std::string::npos)
      << device.status().message();

  store::testing::TempDir dir;
  std::ofstream(dir.path() + "/huge.json") << std::string((16 << 20) + 1, ' ');
  auto huge = parse_configurations(
      R"({"configurations": [{"name": "h", "ruleSetFile": "huge.json"}]})", dir.path());
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("larger than 16 MiB"), std::string::npos)
      << huge.status().message();
}

TEST(Configurations, DuplicateNamesAreRefused) {
  auto parsed = parse_configurations(
      R"({"configurations": [{"name": "c", "ruleSetFile": "config/matchmaking/two-teams.json"},
                             {"name": "c", "ruleSetFile": "config/matchmaking/two-teams.json"}]})",
      ".");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("duplicate"), std::string::npos);
}

TEST(EmbeddedConfigurations, ShipTheDefaultItsStandaloneTwinAndTheSeedGame) {
  auto all = embedded_configurations("session-api-dev");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "session-api-dev");
  EXPECT_FALSE(all[0].rules->has_latency_rule()) << "the default works without latency data";
  EXPECT_EQ(all[0].flex_match_mode, FlexMatchMode::kWithQueue) << "placed on game servers";
  EXPECT_EQ(all[0].queue, "default");
  EXPECT_EQ(all[1].name, "session-api-dev-standalone");
  EXPECT_EQ(all[1].flex_match_mode, FlexMatchMode::kStandalone);
  EXPECT_EQ(all[1].rules, all[0].rules) << "the same rules";
  std::vector<Configuration> list;
  list.push_back(std::move(all[0]));
  list.push_back(std::move(all[2]));
  EXPECT_EQ(list[1].name, "seed-game");
  EXPECT_EQ(list[1].rules->teams.size(), 1u);
  EXPECT_EQ(list[1].rules->teams[0].min_players.base, 10);
  EXPECT_EQ(list[1].rules->teams[0].max_players.base, 15);
  EXPECT_TRUE(list[1].rules->has_latency_rule());
}

TEST(Configurations, NameTheirGameSessionQueue) {
  auto queue_of = [](const std::string& keys) -> Result<std::string> {
    auto parsed =
        parse_configurations(R"({"configurations": [{"name": "c", )" + keys +
                                 R"("ruleSetFile": "config/matchmaking/two-teams.json"}]})",
                             ".");
    if (!parsed.ok()) return parsed.status();
    return (*parsed)[0].queue;
  };
  EXPECT_EQ(*queue_of(""), "default");
  EXPECT_EQ(*queue_of(R"("gameSessionQueue": "eu-queue",)"), "eu-queue");
  EXPECT_EQ(*queue_of(R"("gameSessionQueueArns":
                ["arn:aws:gamelift:eu-west-1:123456789012:gamesessionqueue/arena", "x"],)"),
            "arena");
  auto bad_arn = queue_of(R"("gameSessionQueueArns": ["gamesessionqueue/arena"],)");
  ASSERT_FALSE(bad_arn.ok());
  EXPECT_NE(bad_arn.status().message().find("configurations[0].gameSessionQueueArns"),
            std::string::npos);
  EXPECT_FALSE(queue_of(R"("gameSessionQueueArns": [],)").ok());
  EXPECT_FALSE(queue_of(R"("gameSessionQueue": "a b",)").ok());
  EXPECT_FALSE(queue_of(R"("gameSessionQueue": "a", "gameSessionQueueArns":
                ["arn:aws:gamelift:eu-west-1:1:gamesessionqueue/b"],)")
                   .ok());
}

TEST(EmbeddedConfigurations, AreTheFilesUnderConfigMatchmaking) {
  for (const char* name : {"two-teams.json", "seed-game.json"}) {
    EXPECT_EQ(embedded_rule_set(name), read(std::string("config/matchmaking/") + name)) << name;
  }
}

TEST(EmbeddedConfigurations, TheShippedConfigurationsFileLoads) {
  auto loaded = load_configurations_file("config/matchmaking/configurations.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  ASSERT_EQ(loaded->size(), 3u);
  EXPECT_EQ((*loaded)[0].name, "session-api-dev");
  EXPECT_EQ((*loaded)[0].flex_match_mode, FlexMatchMode::kWithQueue);
  EXPECT_EQ((*loaded)[0].queue, "default");
  EXPECT_EQ((*loaded)[1].name, "session-api-dev-standalone");
  EXPECT_EQ((*loaded)[1].flex_match_mode, FlexMatchMode::kStandalone);
}

}  // namespace
}  // namespace sapi::matchmaking
