#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "flexmatch/matchmaker.h"
#include "flexmatch/report.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/simulation_input.h"
#include "flexmatch/ticket.h"

namespace sapi::flexmatch {

struct SimulationOptions {
  // A matchmaking cycle runs every `tick_seconds` of virtual time, from 0.
  double tick_seconds = 1;
  // The run ends when every ticket has arrived and the pool is empty, or `horizon_seconds`
  // after the last arrival (negative: the rule set's longest expansion wait plus 60 s).
  double horizon_seconds = -1;
  MatchmakerOptions matchmaker;
  // Called after each cycle with the fraction of the run done (0..1).
  std::function<void(double)> progress;
  // The number attribute whose per-match spread the report plots; empty: balancedAttribute,
  // else an attribute named "skill", else the first number attribute.
  std::string skill_attribute;
};

struct SimulatedMatch {
  double at = 0;
  std::string match_id;
  std::vector<std::string> ticket_ids;
  std::vector<std::pair<std::string, std::vector<std::string>>> teams;  // name, player ids
};

struct UnmatchedTicket {
  std::string ticket_id;
  double arrived_at = 0;
  std::string reason;  // set when the ticket could never match
};

struct SimulationResult {
  std::vector<SimulatedMatch> matches;
  std::vector<UnmatchedTicket> unmatched;  // in arrival order
  // One line per problem the independent checker found in a formed match (none expected).
  std::vector<std::string> violations;
  // Tickets the simulation refused (duplicate id, bad attribute), with the reason.
  std::vector<std::string> rejected;
  double ended_at = 0;
  ReportData report;
};

// Decodes a ticket-file ticket against `rules`: attributes in declaration order (defaults
// for those not sent), latencies sorted by region. Attributes the rule set does not declare
// are ignored. Errors name the ticket, player and attribute.
Result<Ticket> ticket_from_arrival(const RuleSet& rules, const TicketArrival& arrival,
                                   Clock::TimePoint submitted);

// Runs the matchmaker on virtual time over `arrivals` (sorted by `at`), checking every
// formed match with the independent checker.
SimulationResult simulate(const RuleSet& rules, const std::vector<TicketArrival>& arrivals,
                          const SimulationOptions& options);

// The simulator's output lines: {"at", "matchId", "tickets", "teams"} and
// {"ticketId", "arrivedAt", "matched": false, "reason"?}.
std::string match_json_line(const SimulatedMatch& m);
std::string unmatched_json_line(const UnmatchedTicket& t);

}  // namespace sapi::flexmatch
