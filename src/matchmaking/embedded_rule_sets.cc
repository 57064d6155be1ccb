#include "matchmaking/configuration.h"

// The rule sets the binary ships with. config/matchmaking/ holds the same files for people to
// copy; a test keeps the two identical.

namespace sapi::matchmaking {

namespace {

constexpr std::string_view kTwoTeams = R"json({
  "name": "two-teams",
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [
    {"name": "skill", "type": "number", "default": 10},
    {"name": "region", "type": "string", "default": "eu-west-1"}
  ],
  "teams": [
    {"name": "red", "minPlayers": 2, "maxPlayers": 4},
    {"name": "blue", "minPlayers": 2, "maxPlayers": 4}
  ],
  "rules": [
    {
      "name": "FairTeams",
      "description": "The teams' average skills lie within 10 of each other",
      "type": "distance",
      "measurements": ["avg(teams[*].players.attributes[skill])"],
      "referenceValue": "max(avg(teams[*].players.attributes[skill]))",
      "maxDistance": 10
    },
    {
      "name": "EqualTeams",
      "description": "Both teams have as many players",
      "type": "comparison",
      "measurements": ["count(teams[*].players)"],
      "operation": "="
    }
  ],
  "expansions": [
    {
      "target": "rules[FairTeams].maxDistance",
      "steps": [{"waitTimeSeconds": 10, "value": 25}, {"waitTimeSeconds": 30, "value": 1000}]
    },
    {
      "target": "teams[red, blue].minPlayers",
      "steps": [{"waitTimeSeconds": 15, "value": 1}]
    }
  ]
}
)json";

constexpr std::string_view kSeedGame = R"json({
  "name": "seed-game",
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [
    {"name": "skill", "type": "number", "default": 10},
    {"name": "region", "type": "string", "default": "eu-west-1"}
  ],
  "teams": [{"name": "players", "minPlayers": 10, "maxPlayers": 15}],
  "rules": [
    {
      "name": "FastConnection",
      "description": "Every player has a region under the latency limit",
      "type": "latency",
      "maxLatency": 100
    }
  ],
  "expansions": [
    {
      "target": "rules[FastConnection].maxLatency",
      "steps": [{"waitTimeSeconds": 10, "value": 120}, {"waitTimeSeconds": 20, "value": 150}]
    }
  ]
}
)json";

}  // namespace

std::string_view embedded_rule_set(std::string_view file_name) {
  if (file_name == "two-teams.json") return kTwoTeams;
  if (file_name == "seed-game.json") return kSeedGame;
  return {};
}

}  // namespace sapi::matchmaking
