#pragma once

// The independent checker: given a match some builder formed, re-derive from scratch whether
// it is a valid FlexMatch match for the rule set, and say what is wrong if not. It shares no
// code with the builders beyond the model and rule evaluation, so that a builder bug shows
// up here instead of being trusted.

#include <string>
#include <vector>

#include "base/clock.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"

namespace sapi::flexmatch {

// A formed match: its tickets and the team each ticket went to (an index into
// RuleSet::teams). For a backfill ticket the entry is ignored: its players stay on the teams
// they carry.
struct FormedMatch {
  std::vector<const Ticket*> tickets;
  std::vector<int> ticket_teams;  // parallel to tickets
};

struct Violation {
  std::string rule;    // the failing rule's name, or empty for structural problems
  std::string reason;  // e.g. "team red has 3 players, fewer than minPlayers 4 at age 12 s"
};

struct CheckReport {
  std::vector<Violation> violations;
  double expansion_age = 0;  // seconds, as used for expansions

  bool ok() const { return violations.empty(); }
  std::string to_string() const;  // one violation per line
};

// Checks `match` against `rs` at time `now`: team indices valid; no ticket twice and no player
// twice; at most one backfill ticket and never one alone; party tickets whole on one team;
// every player matchable (attributes, latency data); team sizes within minPlayers/maxPlayers
// after expansions at the match's expansion age; every directly enforced rule and every
// compound statement holds.
CheckReport check_match(const RuleSet& rs, const FormedMatch& match, Clock::TimePoint now);

}  // namespace sapi::flexmatch
