#pragma once

// The wire format of POST /matchmaking/start: the seed's body, with the optional ticket id,
// configuration name and party of FlexMatch's StartMatchmaking.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"
#include "matchmaking/service.h"

namespace sapi::api {

// Decodes one player: `playerAttributes` typed by the rule set's declarations (plain JSON
// values as the seed sends them, or GameLift's {"S"|"N"|"SL"|"SDM": ...}); `latencyInMs`
// inside `playerAttributes` (as the seed sends it) or beside it. Attributes the rule set does
// not declare are ignored; declared ones not sent take their default. Errors name the
// attribute: `playerAttributes.skill: expected a number, found "high"`.
Result<flexmatch::Player> decode_player(const boost::json::object& player, std::string player_id,
                                        const flexmatch::RuleSet& rules);

// The configuration the body names (`configurationName`), or "" for the default.
Result<std::string> configuration_name(const boost::json::object& body);

// The whole request for `caller` (the player the token allows to act). Without `players` the
// body is the caller alone; with it, 1 to 10 players with the caller among them.
Result<matchmaking::StartRequest> decode_start_request(const boost::json::object& body,
                                                       const std::string& caller,
                                                       const matchmaking::Configuration& config);

// The players of a StartMatchBackfill request (the game session's current players): each
// `{"playerId", "team" (a team name of the rule set), "playerAttributes"?, "latencyInMs"?}`,
// 1 to 199 of them, decoded like decode_player() with `team` set. Errors name the player's
// index and key: `players[2].team: "green" is not a team of the rule set (red, blue)`.
Result<std::vector<flexmatch::Player>> decode_backfill_players(
    const boost::json::array& players, const matchmaking::Configuration& config);

}  // namespace sapi::api
