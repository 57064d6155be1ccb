#include "flexmatch/balanced.h"

#include <algorithm>
#include <limits>

#include "flexmatch/batch.h"
#include "flexmatch/matchmaker_draft.h"
#include "flexmatch/rule_eval.h"

namespace sapi::flexmatch {

bool balance_teams(const TicketPool& pool, const RuleSet& rules, int attribute, BuiltMatch& match) {
  size_t n_teams = rules.teams.size();
  std::vector<int> room(n_teams, 0);
  std::vector<double> sum(n_teams, 0);
  std::vector<int> count(n_teams, 0);
  std::vector<size_t> movable;
  for (size_t i = 0; i < match.slots.size(); ++i) {
    const Ticket& t = pool.ticket(match.slots[i]);
    if (t.backfill) {
      // Players already in the game stay; they still weigh on their team's average.
      for (const auto& p : t.players) {
        int team = p.team.value_or(match.teams[i]);
        count[team]++;
        if (p.attributes[attribute].is_number()) sum[team] += p.attributes[attribute].as_number();
      }
      continue;
    }
    room[match.teams[i]] += static_cast<int>(t.players.size());
    movable.push_back(i);
  }
  auto value = [&](size_t i) {
    const Ticket& t = pool.ticket(match.slots[i]);
    double s = 0;
    for (const auto& p : t.players) {
      if (p.attributes[attribute].is_number()) s += p.attributes[attribute].as_number();
    }
    return s;
  };
  std::stable_sort(movable.begin(), movable.end(), [&](size_t a, size_t b) {
    return value(a) / pool.ticket(match.slots[a]).players.size() >
           value(b) / pool.ticket(match.slots[b]).players.size();
  });
  std::vector<int> target(n_teams, 0);
  for (size_t t = 0; t < n_teams; ++t) target[t] = room[t] + count[t];
  std::vector<int> teams = match.teams;
  for (size_t i : movable) {
    int size = static_cast<int>(pool.ticket(match.slots[i]).players.size());
    int best = -1;
    double best_avg = std::numeric_limits<double>::infinity();
    for (size_t t = 0; t < n_teams; ++t) {
      if (room[t] < size) continue;
      // The team's share of its final size so far: the highest values are spread first, each
      // to the team furthest behind.
      double avg = sum[t] / std::max(target[t], 1);
      if (avg < best_avg || best < 0) {
        best = static_cast<int>(t);
        best_avg = avg;
      }
    }
    if (best < 0) return false;
    teams[i] = best;
    room[best] -= size;
    count[best] += size;
    sum[best] += value(i);
  }
  match.teams = std::move(teams);
  return true;
}

namespace {

bool passes_all(const TicketPool& pool, const RuleSet& rules, const BuiltMatch& m) {
  TeamPlayers teams(rules.teams.size());
  for (size_t i = 0; i < m.slots.size(); ++i) {
    const Ticket& t = pool.ticket(m.slots[i]);
    for (const auto& p : t.players) {
      teams[t.backfill ? p.team.value_or(m.teams[i]) : m.teams[i]].push_back(&p);
    }
  }
  return failed_rules(rules, teams, m.expansion_age).empty();
}

}  // namespace

void build_balanced(const TicketPool& pool, const RuleSet& rules, const RulePlan& plan,
                    const std::vector<uint32_t>& batch, int64_t now_ms, std::vector<char>& taken,
                    MatchRecorder& recorder, std::vector<BuiltMatch>& out) {
  // Large matches are carved in age order: sort rules do not apply to them.
  RulePlan by_age = plan;
  by_age.sort_rules.clear();
  ExhaustiveOptions options;
  options.max_candidates_per_anchor = batch.size();
  size_t first = out.size();
  build_exhaustive(pool, rules, by_age, options, batch, now_ms, taken, recorder, out);
  int attribute = rules.algorithm.balanced_attribute;
  if (attribute < 0) return;
  for (size_t i = first; i < out.size(); ++i) {
    BuiltMatch balanced = out[i];
    if (balance_teams(pool, rules, attribute, balanced) && passes_all(pool, rules, balanced)) {
      out[i] = std::move(balanced);
    }
  }
}

}  // namespace sapi::flexmatch
