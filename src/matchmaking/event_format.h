#pragma once

// Builds events in FlexMatch's envelope (see flexmatch.md "Events").

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "flexmatch/report.h"
#include "matchmaking/configuration.h"
#include "matchmaking/events.h"
#include "matchmaking/ticket_view.h"

namespace sapi::matchmaking {

// The event `type` about `tickets`, with `detail` completed by "type" and "tickets".
MatchmakingEvent make_event(const Configuration& config, std::string_view region,
                            std::string_view account, std::string_view type,
                            const std::vector<const TicketView*>& tickets,
                            boost::json::object detail, Clock::TimePoint now);

// PotentialMatchCreated's detail: acceptanceRequired, acceptanceTimeout,
// ruleEvaluationMetrics, matchId.
boost::json::object potential_match_detail(const Configuration& config, std::string_view match_id,
                                           const std::vector<flexmatch::RuleCount>& metrics);

// MatchmakingSucceeded's detail: matchId and gameSessionInfo with the players and, from a
// placement (`connection`, null in STANDALONE mode where there is no game session),
// gameSessionArn, ipAddress, dnsName and port.
boost::json::object succeeded_detail(std::string_view match_id,
                                     const std::vector<const TicketView*>& tickets,
                                     const ConnectionInfo* connection);

}  // namespace sapi::matchmaking
