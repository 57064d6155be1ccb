#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "flexmatch/checker.h"
#include "flexmatch/report.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"
#include "flexmatch/trace.h"

namespace sapi::flexmatch {

struct MatchmakerOptions {
  // Tickets per batch (see batch.h). Larger batches find more matches for rare tickets and
  // cost more per anchor.
  size_t max_batch_tickets = 2048;
  // Candidates one pass around an anchor examines at most. A pass that examines all of them
  // without filling the teams may still accept a match at minPlayers.
  size_t max_candidates_per_anchor = 1024;
  // Seed of the random batching preference.
  uint64_t seed = 1;
  // Evaluate common rule shapes incrementally (running sums, per-region worst latency).
  // false evaluates every rule from scratch on every candidate: slower, same matches; tests
  // compare the two.
  bool incremental_rules = true;
  // Match ids are `<prefix><n>` with n counting from 1.
  std::string match_id_prefix = "match-";
};

// A match the matchmaker formed. Its tickets have left the pool.
struct Match {
  std::string match_id;
  std::vector<Ticket> tickets;
  std::vector<int> ticket_teams;  // team index per ticket (backfill: their players' teams)
  double expansion_age = 0;       // seconds, the clock expansions were read at

  // The view the independent checker takes.
  FormedMatch view() const;
  // Player ids per team, indexed like RuleSet::teams.
  std::vector<std::vector<std::string>> team_player_ids(const RuleSet& rules) const;
};

struct CycleResult {
  std::vector<Match> matches;
  size_t waiting = 0;  // tickets still in the pool after the cycle
};

// The matchmaker of one matchmaking configuration: a pool of waiting tickets and the match
// builder the rule set asks for (exhaustive search up to 40 players, balanced above). No
// threads, no I/O: the caller adds and cancels tickets and runs cycles at times it chooses.
class Matchmaker {
 public:
  virtual ~Matchmaker() = default;

  // A matchmaker for `rules` (copied).
  static std::unique_ptr<Matchmaker> create(RuleSet rules, MatchmakerOptions options = {});

  virtual const RuleSet& rules() const = 0;

  // Puts a ticket in the pool. Its attributes must be decoded against this rule set (one
  // value per declared attribute). Errors: duplicate or empty id, 0 or more than 10 players.
  // A ticket that can never match (missing attribute, no latency data under a latency rule)
  // is accepted and waits; unmatchable_reason() says why.
  virtual Status add(Ticket ticket) = 0;
  // Takes a waiting ticket out of the pool; false when it is not waiting.
  virtual bool cancel(std::string_view ticket_id) = 0;

  // Runs one matchmaking cycle at `now`: forms every match it can and removes their tickets
  // from the pool. Tickets that did not match stay for the next cycle.
  virtual CycleResult run_cycle(Clock::TimePoint now) = 0;

  virtual size_t waiting() const = 0;
  virtual std::vector<std::string> waiting_ticket_ids() const = 0;
  virtual std::optional<std::string> unmatchable_reason(std::string_view ticket_id) const = 0;

  // Rule evaluations since creation, in rule-set order (FlexMatch's ruleEvaluationMetrics).
  virtual std::vector<RuleCount> rule_metrics() const = 0;

  // Starts recording why `ticket_id` does not match (see trace.h); replaces earlier
  // recording for that ticket. Tracing costs nothing for tickets not traced.
  virtual void trace(std::string_view ticket_id) = 0;
  // What was recorded for a traced ticket, or nullopt if it is not traced.
  virtual std::optional<TicketTrace> trace_of(std::string_view ticket_id) const = 0;
};

}  // namespace sapi::flexmatch
