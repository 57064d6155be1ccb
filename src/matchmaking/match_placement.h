#pragma once

// What the lifecycle hands to the Placer for a match: the players with their teams and
// latencies, the configuration's game properties and session data, and FlexMatch's matchmaker
// data JSON for the game server.

#include <string>
#include <string_view>
#include <vector>

#include "matchmaking/configuration.h"
#include "matchmaking/placement.h"
#include "matchmaking/ticket_view.h"

namespace sapi::matchmaking {

// The placement of match `match_id` formed by `tickets` (teams already set on their players).
// With a backfill ticket among them, the request names its game session and holds only the
// other tickets' players; the matchmaker data describes the whole match either way.
// `auto_backfill_ticket_id` (may be empty) goes into the matchmaker data.
PlacementRequest make_placement_request(const Configuration& config, std::string_view region,
                                        const std::string& match_id,
                                        const std::vector<const TicketView*>& tickets,
                                        std::string_view auto_backfill_ticket_id);

// FlexMatch's matchmaker data: {matchId, matchmakingConfigurationArn, teams: [{name,
// players: [{playerId, attributes: {name: {attributeType, valueAttribute}}}]}],
// autoBackfillMode, autoBackfillTicketId?}. Every team of the rule set is listed.
std::string matchmaker_data(const Configuration& config, std::string_view region,
                            const std::string& match_id,
                            const std::vector<const TicketView*>& tickets,
                            std::string_view auto_backfill_ticket_id);

// True when the rule set's teams could hold more than `players` players.
bool has_open_slots(const flexmatch::RuleSet& rules, size_t players);

}  // namespace sapi::matchmaking
