#pragma once

// Evaluating rules on the teams of a potential match. Used by the independent checker
// (checker.h) on formed matches, and available to the builders on tentative ones.

#include <optional>
#include <string>
#include <vector>

#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"

namespace sapi::flexmatch {

// The players of a potential match by team, indexed like RuleSet::teams.
using TeamPlayers = std::vector<std::vector<const Player*>>;

struct RuleVerdict {
  bool pass = true;
  std::string reason;  // why it failed, naming values; empty on pass
};

// Whether rule `rule` (index into rs.rules) holds on `teams` with expansions taken at
// `expansion_age` seconds (see RuleSet::expansion_age). Sort rules always pass; a compound
// rule evaluates its statement over the rules it references. Every player counts on their
// own: party aggregation does not change the outcome (docs/flexmatch.md). With `why`, a failure
// explains itself; without it, evaluation allocates nothing for messages.
bool rule_passes(const RuleSet& rs, int rule, const TeamPlayers& teams, double expansion_age,
                 std::string* why = nullptr);

// Every rule that is enforced directly (compound rules included, rules referenced by a
// compound excluded), in rule-set order; the failures, with reasons. Empty means the match
// satisfies the rule set's rules.
struct RuleFailure {
  int rule = -1;
  std::string reason;
};
std::vector<RuleFailure> failed_rules(const RuleSet& rs, const TeamPlayers& teams,
                                      double expansion_age);

// A player that can never match: an attribute is absent with no default, or the rule set has
// a latency rule and the player reported no latency. nullopt when the player is fine.
std::optional<std::string> unmatchable_reason(const RuleSet& rs, const Player& player);

// A ticket's value of a number attribute combined over its players with `agg` (kMin, kMax,
// kAvg; kUnion/kIntersection act as kAvg). nullopt if a player lacks the value.
std::optional<double> party_number(const Ticket& t, int attribute, PartyAggregation agg);

// The key by which a sort rule orders `candidate` for a match anchored on `anchor`; smaller
// keys come first (descending rules negate). absoluteSort: the candidate's own value;
// distanceSort: its distance from the anchor's value. For string_number_map attributes the
// map key is the anchor's key with the smallest or largest value (`mapKey`). nullopt when the
// candidate has no value (such candidates go last).
std::optional<double> sort_key(const RuleSet& rs, const Rule& rule, const Ticket& candidate,
                               const Ticket& anchor);

// Regions in which every player of `teams` has a latency at most `max_latency` ms.
std::vector<std::string> common_regions(const TeamPlayers& teams, double max_latency);

}  // namespace sapi::flexmatch
