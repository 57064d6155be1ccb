#pragma once

#include <cstdint>
#include <vector>

#include "flexmatch/matchmaker_plan.h"
#include "flexmatch/pool.h"
#include "flexmatch/rule_set.h"

namespace sapi::flexmatch {

class MatchRecorder;

// A match a builder decided on: slots of the pool and the team of each.
struct BuiltMatch {
  std::vector<uint32_t> slots;
  std::vector<int> teams;
  double expansion_age = 0;
};

struct ExhaustiveOptions {
  size_t max_candidates_per_anchor = 1024;
};

// FlexMatch's exhaustive search over one batch (already ordered by age and backfill
// priority): repeatedly take the oldest waiting ticket as anchor, order the other tickets by
// the sort rules (by age without them), place each on a team tentatively and keep it only if
// every checked rule still passes; stop when every team is full, or after the pass accept the
// match if every team has reached minPlayers and the complete match passes every rule
// (dropping the last-added tickets one by one until it does, or the anchor stands alone).
// Tickets of formed matches are marked in `taken` (indexed by slot) and not reused.
void build_exhaustive(const TicketPool& pool, const RuleSet& rules, const RulePlan& plan,
                      const ExhaustiveOptions& options, const std::vector<uint32_t>& batch,
                      int64_t now_ms, std::vector<char>& taken, MatchRecorder& recorder,
                      std::vector<BuiltMatch>& out);

}  // namespace sapi::flexmatch
