#include "flexmatch/exhaustive.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

#include "flexmatch/matchmaker_draft.h"
#include "flexmatch/rule_eval.h"

namespace sapi::flexmatch {
namespace {

// Positions 0..n-1 of an ordering, from which positions can be removed for good; finds the
// nearest remaining position on either side in amortised near-constant time (union-find with
// path halving), so walking past tickets matched earlier in the cycle costs nothing.
class Remaining {
 public:
  explicit Remaining(size_t n) : right_(n + 2), left_(n + 2) {
    for (size_t i = 0; i < n + 2; ++i) right_[i] = left_[i] = static_cast<uint32_t>(i);
  }
  // Smallest remaining position >= i, or n.
  int64_t next(int64_t i) { return static_cast<int64_t>(find(right_, i + 1)) - 1; }
  // Largest remaining position <= i, or -1.
  int64_t prev(int64_t i) { return static_cast<int64_t>(find(left_, i + 1)) - 1; }
  void remove(int64_t i) {
    right_[i + 1] = static_cast<uint32_t>(i + 2);
    left_[i + 1] = static_cast<uint32_t>(i);
  }

 private:
  static uint32_t find(std::vector<uint32_t>& p, int64_t x) {
    auto i = static_cast<uint32_t>(x);
    while (p[i] != i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }
  std::vector<uint32_t> right_, left_;
};

// The order in which candidates are offered to an anchor.
//  - no sort rule: by age (the batch order);
//  - one absoluteSort on a number attribute: by the ticket's value, the same for every anchor;
//  - one ascending distanceSort on a number attribute: outward from the anchor's value;
//  - anything else: the sort rules' keys (rule_eval.h sort_key) computed for each anchor.
// Candidates without a value come last, by age.
constexpr double kNoReach = std::numeric_limits<double>::infinity();

// The ticket's party value of a number attribute (as rule_eval.h party_number), from the
// pool's flat statistics.
std::optional<double> party_value(const TicketPool& pool, uint32_t slot, int attribute,
                                  PartyAggregation agg) {
  if (!pool.hot(slot).matchable) return party_number(pool.ticket(slot), attribute, agg);
  const auto& st = pool.number_stats(slot, attribute);
  if (agg == PartyAggregation::kMin) return st.min;
  if (agg == PartyAggregation::kMax) return st.max;
  return st.sum / pool.hot(slot).players;
}

class CandidateOrder {
 public:
  bool walks_by_distance() const { return mode_ == Mode::kDistance; }

  CandidateOrder(const TicketPool& pool, const RuleSet& rules, const RulePlan& plan,
                 const std::vector<uint32_t>& batch)
      : pool_(pool), rules_(rules), plan_(plan), batch_(batch), by_age_(batch.size()) {
    if (plan.sort_rules.empty()) return;
    const Rule& first = rules.rules[plan.sort_rules.front()];
    bool number = first.sort_attribute >= 0 &&
                  rules.attributes[first.sort_attribute].type == AttributeType::kNumber;
    bool ascending_distance =
        first.type == RuleType::kDistanceSort && first.sort_direction == SortDirection::kAscending;
    if (plan.sort_rules.size() != 1 || !number ||
        (first.type == RuleType::kDistanceSort && !ascending_distance)) {
      mode_ = Mode::kPerAnchor;
      return;
    }
    mode_ = first.type == RuleType::kDistanceSort ? Mode::kDistance : Mode::kAbsolute;
    bool descending = first.sort_direction == SortDirection::kDescending;
    value_.assign(batch.size(), 0);
    for (size_t i = 0; i < batch.size(); ++i) {
      auto v = party_value(pool, batch[i], first.sort_attribute, first.party_aggregation);
      if (v) {
        value_[i] = descending ? -*v : *v;
        valued_.push_back(static_cast<uint32_t>(i));
      } else {
        unvalued_.push_back(static_cast<uint32_t>(i));
      }
    }
    std::stable_sort(valued_.begin(), valued_.end(),
                     [&](uint32_t a, uint32_t b) { return value_[a] < value_[b]; });
    rank_.assign(batch.size(), -1);
    for (size_t r = 0; r < valued_.size(); ++r) rank_[valued_[r]] = static_cast<int64_t>(r);
    valued_left_.emplace(valued_.size());
    unvalued_left_.emplace(unvalued_.size());
    unvalued_rank_.assign(batch.size(), -1);
    for (size_t r = 0; r < unvalued_.size(); ++r)
      unvalued_rank_[unvalued_[r]] = static_cast<int64_t>(r);
  }

  // Position `p` of the batch left the pool.
  void remove(size_t p) {
    by_age_.remove(static_cast<int64_t>(p));
    if (valued_left_ && rank_[p] >= 0) valued_left_->remove(rank_[p]);
    if (unvalued_left_ && unvalued_rank_[p] >= 0) unvalued_left_->remove(unvalued_rank_[p]);
  }

  // `reach`: in distance mode, candidates further than this from the anchor's value cannot
  // pass a rule, so the walk ends there.
  void start(size_t anchor, double reach) {
    anchor_ = anchor;
    reach_ = reach;
    stage_ = 0;
    cursor_ = -1;
    if (mode_ == Mode::kDistance && rank_[anchor] >= 0) {
      left_ = valued_left_->prev(rank_[anchor] - 1);
      right_ = valued_left_->next(rank_[anchor] + 1);
    } else if (mode_ == Mode::kDistance) {
      stage_ = 1;  // an anchor without a value: everyone is equally far
    }
    if (mode_ == Mode::kPerAnchor) sort_for_anchor();
  }

  // The next candidate position, or -1 when the pass has seen everyone.
  int64_t next() {
    switch (mode_) {
      case Mode::kAge:
        return next_by_age();
      case Mode::kAbsolute:
        return next_in(valued_, *valued_left_, 0, 1);
      case Mode::kDistance:
        return next_by_distance();
      case Mode::kPerAnchor:
        return cursor_ + 1 < static_cast<int64_t>(ordered_.size()) ? int64_t{ordered_[++cursor_]}
                                                                   : -1;
    }
    return -1;
  }

 private:
  enum class Mode { kAge, kAbsolute, kDistance, kPerAnchor };

  int64_t next_by_age() {
    cursor_ = by_age_.next(cursor_ + 1);
    if (cursor_ == static_cast<int64_t>(anchor_)) cursor_ = by_age_.next(cursor_ + 1);
    return cursor_ < static_cast<int64_t>(batch_.size()) ? cursor_ : -1;
  }

  // Walks `order` (valued tickets) in stage `my_stage`, then unvalued ones in stage + 1.
  int64_t next_in(const std::vector<uint32_t>& order, Remaining& left, int my_stage,
                  int unvalued_stage) {
    if (stage_ == my_stage) {
      cursor_ = left.next(cursor_ + 1);
      if (cursor_ < static_cast<int64_t>(order.size()) && order[cursor_] == anchor_) {
        cursor_ = left.next(cursor_ + 1);
      }
      if (cursor_ < static_cast<int64_t>(order.size())) return int64_t{order[cursor_]};
      stage_ = unvalued_stage;
      cursor_ = -1;
    }
    return next_unvalued();
  }

  int64_t next_unvalued() {
    cursor_ = unvalued_left_->next(cursor_ + 1);
    if (cursor_ < static_cast<int64_t>(unvalued_.size()) && unvalued_[cursor_] == anchor_) {
      cursor_ = unvalued_left_->next(cursor_ + 1);
    }
    return cursor_ < static_cast<int64_t>(unvalued_.size()) ? int64_t{unvalued_[cursor_]} : -1;
  }

  int64_t next_by_distance() {
    if (stage_ == 0) {
      double v = value_[anchor_];
      bool has_left = left_ >= 0;
      bool has_right = right_ < static_cast<int64_t>(valued_.size());
      if (has_left || has_right) {
        bool take_left =
            has_left && (!has_right || v - value_[valued_[left_]] <= value_[valued_[right_]] - v);
        if (take_left) {
          int64_t r = left_;
          left_ = valued_left_->prev(left_ - 1);
          return valued_[r];
        }
        int64_t r = right_;
        right_ = valued_left_->next(right_ + 1);
        return valued_[r];
      }
      stage_ = 1;
      cursor_ = -1;
    }
    if (stage_ == 1 && rank_[anchor_] < 0) {
      // Anchor without a value: valued tickets by value, then the rest.
      return next_in(valued_, *valued_left_, 1, 2);
    }
    return next_unvalued();
  }

  void sort_for_anchor() {
    ordered_.clear();
    keyed_.clear();
    const Ticket& anchor = pool_.ticket(batch_[anchor_]);
    constexpr double kLast = std::numeric_limits<double>::infinity();
    for (int64_t p = by_age_.next(0); p < static_cast<int64_t>(batch_.size());
         p = by_age_.next(p + 1)) {
      if (p == static_cast<int64_t>(anchor_)) continue;
      Key k{};
      k.position = static_cast<uint32_t>(p);
      for (size_t i = 0; i < plan_.sort_rules.size() && i < k.keys.size(); ++i) {
        const Rule& rule = rules_.rules[plan_.sort_rules[i]];
        k.keys[i] = sort_key(rules_, rule, pool_.ticket(batch_[p]), anchor).value_or(kLast);
      }
      keyed_.push_back(k);
    }
    std::stable_sort(keyed_.begin(), keyed_.end(),
                     [](const Key& a, const Key& b) { return a.keys < b.keys; });
    for (const auto& k : keyed_) ordered_.push_back(k.position);
  }

  struct Key {
    std::array<double, 4> keys;
    uint32_t position;
  };

  const TicketPool& pool_;
  const RuleSet& rules_;
  const RulePlan& plan_;
  const std::vector<uint32_t>& batch_;
  Mode mode_ = Mode::kAge;
  Remaining by_age_;
  std::vector<double> value_;
  std::vector<uint32_t> valued_, unvalued_;
  std::vector<int64_t> rank_, unvalued_rank_;
  std::optional<Remaining> valued_left_, unvalued_left_;
  std::vector<uint32_t> ordered_;
  std::vector<Key> keyed_;
  size_t anchor_ = 0;
  double reach_ = kNoReach;
  int stage_ = 0;
  int64_t cursor_ = -1, left_ = -1, right_ = -1;
};

// The largest value an expandable property takes up to `age` seconds.
double largest_until(const Expandable& e, double age) {
  double v = e.base;
  for (const auto& s : e.steps) {
    if (s.wait_seconds <= age) v = std::max(v, s.value);
  }
  return v;
}

// How far (in the distanceSort attribute) a candidate may be from the anchor and still pass
// a rule keeping every player within maxDistance of one reference: twice maxDistance, at the
// largest expansion age the match could reach.
double walk_reach(const RuleSet& rules, const RulePlan& plan, double age_bound) {
  if (plan.sort_rules.empty()) return kNoReach;
  int attribute = rules.rules[plan.sort_rules.front()].sort_attribute;
  double reach = kNoReach;
  for (const auto& c : plan.checked) {
    if (c.shortcut != RulePlan::Checked::Shortcut::kSpread || c.attribute != attribute) continue;
    reach = std::min(reach, 2 * largest_until(*rules.rules[c.rule].max_distance, age_bound));
  }
  return reach;
}

void trace_anchor(MatchRecorder& recorder, uint32_t slot, bool matched, const std::string& why) {
  TicketTrace* t = recorder.traced(slot);
  if (t == nullptr) return;
  t->anchored++;
  t->last_outcome = matched ? "formed a match" : why;
}

}  // namespace

void build_exhaustive(const TicketPool& pool, const RuleSet& rules, const RulePlan& plan,
                      const ExhaustiveOptions& options, const std::vector<uint32_t>& batch,
                      int64_t now_ms, std::vector<char>& taken, MatchRecorder& recorder,
                      std::vector<BuiltMatch>& out) {
  if (batch.empty()) return;
  Draft draft(pool, rules, plan, recorder, now_ms);
  CandidateOrder order(pool, rules, plan, batch);
  bool oldest = rules.algorithm.expansion_age_selection == ExpansionAgeSelection::kOldest;
  int64_t oldest_ms = now_ms;
  for (uint32_t slot : batch) oldest_ms = std::min(oldest_ms, pool.hot(slot).submitted_ms);
  auto age_s = [&](int64_t submitted_ms) {
    return std::max<double>(0, static_cast<double>(now_ms - submitted_ms) / 1000);
  };
  std::vector<char> in_draft(batch.size(), 0);
  std::vector<uint32_t> tried;
  for (size_t a = 0; a < batch.size(); ++a) {
    uint32_t anchor = batch[a];
    if (taken[anchor]) continue;
    draft.clear();
    if (draft.try_add(anchor) != Draft::Outcome::kKept) {
      trace_anchor(recorder, anchor, false, "the ticket alone already fails a rule");
      continue;
    }
    // With newest-age expansions a match is never older than its anchor; with oldest, never
    // older than the batch's oldest ticket.
    double age_bound = age_s(oldest ? oldest_ms : pool.hot(anchor).submitted_ms);
    order.start(a, order.walks_by_distance() && recorder.traced_slots.empty()
                       ? walk_reach(rules, plan, age_bound)
                       : kNoReach);
    in_draft[a] = 1;
    tried.assign(1, static_cast<uint32_t>(a));
    size_t examined = 0;
    while (!draft.full() && examined < options.max_candidates_per_anchor) {
      int64_t p = order.next();
      if (p < 0) break;
      if (in_draft[p]) continue;
      ++examined;
      uint32_t slot = batch[p];
      auto outcome = draft.try_add(slot);
      if (TicketTrace* t = recorder.traced(slot)) {
        t->tried_as_candidate++;
        if (outcome == Draft::Outcome::kNoRoom) t->no_room++;
      }
      if (outcome == Draft::Outcome::kKept) {
        in_draft[p] = 1;
        tried.push_back(static_cast<uint32_t>(p));
      }
    }
    bool matched = draft.settle();
    trace_anchor(recorder, anchor, matched, draft.last_failure);
    for (uint32_t p : tried) in_draft[p] = 0;
    if (!matched) continue;
    out.push_back(draft.built());
    for (uint32_t slot : out.back().slots) taken[slot] = 1;
    for (uint32_t p : tried) {
      if (taken[batch[p]]) order.remove(p);
    }
  }
}

}  // namespace sapi::flexmatch
