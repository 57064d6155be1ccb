#pragma once

// Matchmaking configurations for the SDK's tests: one-against-one matches form as soon as two
// players wait, so the tests need only two tickets. The service's default configuration name
// (session-api-dev) is the plain duel.

#include <string>
#include <utility>
#include <vector>

namespace session_api::testing {

inline const char* kDuelRuleSet = R"({
  "name": "duel", "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
            {"name": "blue", "minPlayers": 1, "maxPlayers": 1}]
})";

inline std::string configurations_json() {
  std::string rule_set = kDuelRuleSet;
  return R"({"configurations": [
    {"name": "session-api-dev", "ruleSetBody": )" +
         rule_set + R"(, "requestTimeoutSeconds": 60},
    {"name": "duel-accept", "ruleSetBody": )" +
         rule_set + R"(, "requestTimeoutSeconds": 60,
     "acceptanceRequired": true, "acceptanceTimeoutSeconds": 30},
    {"name": "duel-placed", "ruleSetBody": )" +
         rule_set + R"(, "requestTimeoutSeconds": 60,
     "flexMatchMode": "WITH_QUEUE", "backfillMode": "MANUAL",
     "gameProperties": [{"key": "map", "value": "forest"}]}
  ]})";
}

inline const char* kConfigToml = R"([matchmaking]
configurations_file = "@DIR@/configurations.json"
rate_limit_per_second = 0
)";

inline std::vector<std::pair<std::string, std::string>> config_files() {
  return {{"configurations.json", configurations_json()}};
}

}  // namespace session_api::testing
