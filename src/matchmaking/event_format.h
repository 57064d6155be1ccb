#pragma once

// Builds events in FlexMatch's envelope (see flexmatch.md "Events") from tickets.

#include <memory>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "flexmatch/report.h"
#include "matchmaking/configuration.h"
#include "matchmaking/events.h"
#include "matchmaking/ticket_view.h"

namespace sapi::matchmaking {

// What every event of `config` shares (name, ARN, account, region, customEventData).
std::shared_ptr<const EventSource> event_source(const Configuration& config,
                                                std::string_view region, std::string_view account);

// The event `type` (one of the eight names) about `tickets` at `now`, with `detail`. Copies
// only what the envelope shows of each ticket (id, startTime, the players' ids, teams,
// player sessions and acceptance).
MatchmakingEvent make_event(std::shared_ptr<const EventSource> source, std::string_view type,
                            const std::vector<const TicketView*>& tickets, EventDetail detail,
                            Clock::TimePoint now);

// PotentialMatchCreated's detail: acceptanceRequired, acceptanceTimeout,
// ruleEvaluationMetrics, matchId.
EventDetail potential_match_detail(const Configuration& config, std::string_view match_id,
                                   const std::vector<flexmatch::RuleCount>& metrics);

// MatchmakingSucceeded's detail: matchId and gameSessionInfo with the players of the event's
// tickets and, from a placement (`connection`, null in STANDALONE mode where there is no game
// session), gameSessionArn, ipAddress, dnsName and port. `tickets` are the event's own.
EventDetail succeeded_detail(std::string_view match_id,
                             const std::vector<const TicketView*>& tickets,
                             const ConnectionInfo* connection);

}  // namespace sapi::matchmaking
