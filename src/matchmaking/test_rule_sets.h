#pragma once

// Rule sets shared by the matchmaking tests and fuzz targets.

#include <string_view>

namespace sapi::matchmaking::testing {

// Every player attribute type, one with a default; two teams of one or two.
inline constexpr std::string_view kEveryAttributeType = R"({
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [
    {"name": "skill", "type": "number", "default": 10},
    {"name": "mode", "type": "string"},
    {"name": "maps", "type": "string_list"},
    {"name": "ping", "type": "string_number_map"}],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2},
            {"name": "blue", "minPlayers": 1, "maxPlayers": 2}]})";

}  // namespace sapi::matchmaking::testing
