#pragma once

#include <vector>

#include "flexmatch/rule_set.h"

namespace sapi::flexmatch {

// How the builders evaluate a rule set's rules on a match under construction.
//
// FlexMatch keeps a candidate only if every rule still passes with it. Taken literally that
// can never admit the second player of `count(teams[red].players) = count(teams[blue].players)`,
// so rules whose outcome can turn from fail to pass as players join are deferred: they are
// evaluated on the complete match only. Deferred: a rule using count() or sum() anywhere, a
// collection rule with minCount on `contains` or `reference_intersection_count`, maxCount on
// `intersection`, and a compound rule referencing a deferred rule. Other rules are checked on
// every candidate once each team whose list they reduce (avg, min, ... of one team's players)
// has a player: an aggregate of an empty team says nothing yet.
struct RulePlan {
  struct Checked {
    int rule = -1;
    std::vector<int> needs_players;  // teams that must be non-empty before it is evaluated
    // Incremental shortcuts (see exhaustive.cc); kGeneric evaluates the rule from scratch.
    enum class Shortcut : unsigned char {
      kGeneric,
      kLatencyMax,  // latency rule without maxDistance: worst latency per region
      kSpread,      // every player's number within maxDistance of a literal or of the
                    // avg/min/max of all players: running sum, min and max
    } shortcut = Shortcut::kGeneric;
    // kSpread: the attribute, what the reference is, and the slot of its running state.
    enum class Reference : unsigned char {
      kLiteral,
      kAvg,
      kMin,
      kMax
    } reference = Reference::kLiteral;
    int attribute = -1;
    int spread_slot = -1;
  };
  std::vector<Checked> checked;  // directly enforced rules evaluated on each candidate
  std::vector<int> deferred;     // directly enforced rules evaluated on complete matches only
  std::vector<int> sort_rules;   // in rule-set order
  int spread_rules = 0;          // checked rules using kSpread
};

// Builds the plan. With `incremental` false every rule uses kGeneric.
RulePlan plan_rules(const RuleSet& rules, bool incremental);

}  // namespace sapi::flexmatch
