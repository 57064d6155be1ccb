#pragma once

// FlexMatch's StartMatchBackfill: a ticket that stands for a running game session with open
// slots. Its players are already in the game, each on a team; the matchmaker finds new
// players for it, and only the new ones are placed onto that game session.

#include <optional>
#include <string>
#include <vector>

#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"

namespace sapi::matchmaking {

struct BackfillRequest {
  std::optional<std::string> ticket_id;  // a UUID when absent
  std::string configuration;             // a name or a configuration ARN; empty: the default
  std::string game_session_arn;          // the game session to fill
  // The game's current players (1..199), decoded against the configuration's rules, each with
  // `team` set.
  std::vector<flexmatch::Player> players;
  // The rule set that decoded `players` (null: the configuration's current one).
  const flexmatch::RuleSet* rules = nullptr;
};

}  // namespace sapi::matchmaking
