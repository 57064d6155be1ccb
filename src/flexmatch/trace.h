#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sapi::flexmatch {

// Why one ticket has not matched yet: the question FlexMatch users ask most. Recorded while
// the ticket is traced, over every cycle since tracing started.
struct TicketTrace {
  struct RuleFailures {
    std::string rule;
    uint64_t failed = 0;
    uint64_t passed = 0;
    // A few of the tickets it was tried with when the rule failed, and the first reason.
    std::vector<std::string> against;
    std::string example;
  };

  std::string ticket_id;
  uint64_t cycles = 0;    // cycles run while traced and waiting
  uint64_t anchored = 0;  // passes built around this ticket
  uint64_t tried_as_candidate = 0;
  uint64_t no_room = 0;             // placements refused because no team had room for it
  std::vector<RuleFailures> rules;  // in rule-set order, only rules that were evaluated
  // The last pass anchored on the ticket: team sizes against minPlayers/maxPlayers at its
  // expansion age, and what stopped it.
  std::string last_outcome;
  std::string unmatchable;  // set when the ticket can never match, and why
  bool matched = false;
  std::string match_id;

  // Human-readable, several lines.
  std::string to_string() const;
};

}  // namespace sapi::flexmatch
