#pragma once

#include <cstdint>
#include <vector>

#include "flexmatch/exhaustive.h"
#include "flexmatch/matchmaker_plan.h"
#include "flexmatch/pool.h"
#include "flexmatch/rule_set.h"

namespace sapi::flexmatch {

class MatchRecorder;

// FlexMatch's balanced strategy for large matches (41 to 200 players) over one batch (the
// batches already group tickets by latency region, see batch.h): matches are carved out of
// the batch oldest ticket first, each ticket going to the team below minPlayers with the most
// open slots (so equal teams fill round-robin) as long as the rules pass; a match is taken
// when its teams are full, or at minPlayers after a pass over the batch. Then its tickets are
// redistributed over the same team sizes to balance the average of balancedAttribute (the
// highest values first, each to the team with the lowest total relative to its size); the
// redistribution is kept only if the match still passes every rule.
void build_balanced(const TicketPool& pool, const RuleSet& rules, const RulePlan& plan,
                    const std::vector<uint32_t>& batch, int64_t now_ms, std::vector<char>& taken,
                    MatchRecorder& recorder, std::vector<BuiltMatch>& out);

// Redistributes the tickets of `match` over its team sizes to balance `attribute`; returns
// false (leaving `match` alone) when the parties do not fit the sizes.
bool balance_teams(const TicketPool& pool, const RuleSet& rules, int attribute, BuiltMatch& match);

}  // namespace sapi::flexmatch
