#pragma once

// Players from JSON, typed by a rule set's declarations: GameLift's request shape
// (StartMatchmaking's Player) and the simulator's plain shape.

#include <string>

#include "base/result.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"

namespace boost::json {
class value;
}

namespace sapi::flexmatch {

// A player with every declared attribute at its default (absent where there is none).
Player new_player(const RuleSet& rs, std::string id);

// {"PlayerId": "...", "PlayerAttributes": {"skill": {"N": 10}}, "Team": "red",
//  "LatencyInMs": {"us-east-1": 40}}. Attributes the rule set does not declare are ignored
// (GameLift passes them to the game server only); a declared attribute of the wrong type is
// an error naming it. Team must name a team of the rule set.
Result<Player> player_from_gamelift(const boost::json::value& v, const RuleSet& rs);

// {"playerId": "...", "attributes": {"skill": 10, "modes": ["a"]}, "team": "red",
//  "latencyInMs": {"us-east-1": 40}}, attributes in plain JSON.
Result<Player> player_from_plain_json(const boost::json::value& v, const RuleSet& rs);

}  // namespace sapi::flexmatch
