#include "flexmatch/matchmaker.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include "flexmatch/balanced.h"
#include "flexmatch/batch.h"
#include "flexmatch/exhaustive.h"
#include "flexmatch/matchmaker_draft.h"
#include "flexmatch/matchmaker_plan.h"
#include "flexmatch/pool.h"

namespace sapi::flexmatch {

FormedMatch Match::view() const {
  FormedMatch m;
  for (const auto& t : tickets) m.tickets.push_back(&t);
  m.ticket_teams = ticket_teams;
  return m;
}

std::vector<std::vector<std::string>> Match::team_player_ids(const RuleSet& rules) const {
  std::vector<std::vector<std::string>> out(rules.teams.size());
  for (size_t i = 0; i < tickets.size(); ++i) {
    for (const auto& p : tickets[i].players) {
      int team = tickets[i].backfill ? p.team.value_or(ticket_teams[i]) : ticket_teams[i];
      out[team].push_back(p.id);
    }
  }
  return out;
}

namespace {

class MatchmakerImpl final : public Matchmaker {
 public:
  MatchmakerImpl(RuleSet rules, MatchmakerOptions options)
      : rules_(std::move(rules)),
        options_(std::move(options)),
        plan_(plan_rules(rules_, options_.incremental_rules)),
        pool_(rules_),
        recorder_(rules_.rules.size()),
        rng_(options_.seed) {}

  const RuleSet& rules() const override { return rules_; }

  Status add(Ticket ticket) override {
    std::string id = ticket.id;
    SAPI_RETURN_IF_ERROR(pool_.add(std::move(ticket)));
    if (auto it = traces_.find(id); it != traces_.end()) refresh_unmatchable(it->second);
    return {};
  }

  bool cancel(std::string_view ticket_id) override { return pool_.cancel(ticket_id); }

  CycleResult run_cycle(Clock::TimePoint now) override {
    int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    prepare_traces();
    BatchOptions batch_options{options_.max_batch_tickets};
    auto batches = form_batches(pool_, rules_, batch_options, now_ms, rng_);
    taken_.assign(pool_.slot_count(), 0);
    std::vector<BuiltMatch> built;
    for (const auto& batch : batches) {
      if (rules_.algorithm.strategy == Strategy::kBalanced && rules_.is_large_match()) {
        build_balanced(pool_, rules_, plan_, batch, now_ms, taken_, recorder_, built);
      } else {
        ExhaustiveOptions ex{options_.max_candidates_per_anchor};
        build_exhaustive(pool_, rules_, plan_, ex, batch, now_ms, taken_, recorder_, built);
      }
    }
    CycleResult result;
    result.matches.reserve(built.size());
    for (auto& b : built) result.matches.push_back(take_match(b));
    recorder_.traced_slots.clear();
    result.waiting = pool_.size();
    return result;
  }

  size_t waiting() const override { return pool_.size(); }

  std::vector<std::string> waiting_ticket_ids() const override {
    std::vector<std::pair<std::pair<int64_t, uint32_t>, std::string>> live;
    for (uint32_t s = 0; s < pool_.slot_count(); ++s) {
      if (pool_.live(s)) {
        live.push_back({{pool_.hot(s).submitted_ms, pool_.hot(s).seq}, pool_.ticket(s).id});
      }
    }
    std::sort(live.begin(), live.end());
    std::vector<std::string> out;
    for (auto& [k, id] : live) out.push_back(std::move(id));
    return out;
  }

  std::optional<std::string> unmatchable_reason(std::string_view ticket_id) const override {
    int64_t slot = pool_.find(ticket_id);
    if (slot < 0 || pool_.hot(static_cast<uint32_t>(slot)).matchable) return std::nullopt;
    return pool_.unmatchable_reason(static_cast<uint32_t>(slot));
  }

  std::vector<RuleCount> rule_metrics() const override {
    std::vector<RuleCount> out;
    for (size_t r = 0; r < rules_.rules.size(); ++r) {
      out.push_back({rules_.rules[r].name, recorder_.passed(static_cast<int>(r)),
                     recorder_.failed(static_cast<int>(r))});
    }
    return out;
  }

  void trace(std::string_view ticket_id) override {
    TicketTrace t;
    t.ticket_id = std::string(ticket_id);
    auto& slot = traces_[t.ticket_id];
    slot = std::move(t);
    refresh_unmatchable(slot);
  }

  std::optional<TicketTrace> trace_of(std::string_view ticket_id) const override {
    auto it = traces_.find(std::string(ticket_id));
    if (it == traces_.end()) return std::nullopt;
    return it->second;
  }

 private:
  void refresh_unmatchable(TicketTrace& t) {
    t.unmatchable = unmatchable_reason(t.ticket_id).value_or("");
  }

  void prepare_traces() {
    recorder_.traced_slots.clear();
    for (auto& [id, t] : traces_) {
      int64_t slot = pool_.find(id);
      if (slot < 0 || t.matched) continue;
      t.cycles++;
      recorder_.traced_slots.emplace_back(static_cast<uint32_t>(slot), &t);
    }
  }

  Match take_match(const BuiltMatch& b) {
    Match m;
    m.match_id = fmt::format("{}{}", options_.match_id_prefix, ++matches_formed_);
    m.expansion_age = b.expansion_age;
    m.ticket_teams = b.teams;
    for (uint32_t slot : b.slots) {
      if (TicketTrace* t = recorder_.traced(slot)) {
        t->matched = true;
        t->match_id = m.match_id;
      }
      m.tickets.push_back(pool_.take(slot));
    }
    return m;
  }

  RuleSet rules_;
  MatchmakerOptions options_;
  RulePlan plan_;
  TicketPool pool_;
  MatchRecorder recorder_;
  std::mt19937_64 rng_;
  std::vector<char> taken_;
  std::map<std::string, TicketTrace, std::less<>> traces_;
  uint64_t matches_formed_ = 0;
};

}  // namespace

std::unique_ptr<Matchmaker> Matchmaker::create(RuleSet rules, MatchmakerOptions options) {
  return std::make_unique<MatchmakerImpl>(std::move(rules), std::move(options));
}

}  // namespace sapi::flexmatch
