#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "flexmatch/exhaustive.h"
#include "flexmatch/matchmaker_plan.h"
#include "flexmatch/pool.h"
#include "flexmatch/rule_eval.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/trace.h"

namespace sapi::flexmatch {

// Rule evaluation counts and the traces of traced tickets, kept across cycles by the
// matchmaker and fed by the builders.
class MatchRecorder {
 public:
  explicit MatchRecorder(size_t rule_count) : passed_(rule_count, 0), failed_(rule_count, 0) {}

  void count(int rule, bool pass) { (pass ? passed_ : failed_)[rule]++; }
  uint64_t passed(int rule) const { return passed_[rule]; }
  uint64_t failed(int rule) const { return failed_[rule]; }

  // Traced tickets by slot, valid for one cycle (set by the matchmaker before building).
  std::vector<std::pair<uint32_t, TicketTrace*>> traced_slots;
  TicketTrace* traced(uint32_t slot) const {
    for (const auto& [s, t] : traced_slots) {
      if (s == slot) return t;
    }
    return nullptr;
  }

 private:
  std::vector<uint64_t> passed_, failed_;
};

// A potential match under construction: tickets on teams, with what is needed to test one
// more ticket cheaply and to take the last one back. Reused across anchors; after warm-up it
// allocates nothing.
class Draft {
 public:
  enum class Outcome { kKept, kNoRoom, kRuleFailed };

  Draft(const TicketPool& pool, const RuleSet& rules, const RulePlan& plan, MatchRecorder& recorder,
        int64_t now_ms);

  void clear();
  // Tries the ticket in `slot` on each team with room (the team furthest below minPlayers
  // first, then the one with most open slots), keeping it on the first where every checked
  // rule passes.
  Outcome try_add(uint32_t slot);
  // Takes the last-added ticket back.
  void pop();

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  uint32_t anchor() const { return entries_.front().slot; }
  // Every team holds maxPlayers at the current expansion age.
  bool full() const;
  // Ends a pass: the match as it stands if it is acceptable, else drops the last-added
  // tickets one at a time until it is (never the anchor). False when nothing is acceptable.
  bool settle();
  BuiltMatch built() const;
  double expansion_age() const;
  const std::vector<int>& team_sizes() const { return sizes_; }
  // "team red 3/4 (min 4, max 5)" for every team, at the current expansion age.
  std::string describe_teams() const;
  std::string last_failure;  // set by settle() for traced anchors

 private:
  struct Entry {
    uint32_t slot;
    int team;
    double min_age, max_age;  // over the draft including this entry
    uint32_t placed_from;     // offset into placed_teams_
  };

  double age_of(uint32_t slot) const;
  double age_for(double min_age, double max_age) const;
  bool place(uint32_t slot, int team, double min_age, double max_age);
  bool rules_pass(double age, bool final_check);
  bool rule_pass(const RulePlan::Checked* c, int rule, double age, bool shortcut);
  bool acceptable();
  void note_failure(int rule, double age);

  const TicketPool& pool_;
  const RuleSet& rules_;
  const RulePlan& plan_;
  MatchRecorder& recorder_;
  int64_t now_ms_;
  size_t regions_;
  bool latency_exact_ = true;

  std::vector<Entry> entries_;
  TeamPlayers teams_;
  std::vector<int> sizes_;
  std::vector<int> placed_teams_;       // team of every placed player, in order
  std::vector<uint16_t> region_worst_;  // per entry depth, worst latency per region
  struct Spread {
    double sum, min, max;
    int count;
  };
  std::vector<Spread> spread_;  // per entry depth, per kSpread rule
  bool spread_pass(const RulePlan::Checked& c, const Spread& s, double age, bool& decided) const;
  void add_to(Spread& s, uint32_t slot, int attribute) const;
  static int bound(const Expandable& e, double age);
  bool precheck(uint32_t slot, double age);
  std::vector<char> prechecked_;      // per checked rule: already passed for this candidate
  std::vector<int> min_at_, max_at_;  // team bounds at the candidate's expansion age
  std::vector<int> team_order_;
  int backfills_ = 0;
  bool needs_recheck_ = false;  // rules were skipped or tickets taken back since last check
};

}  // namespace sapi::flexmatch
