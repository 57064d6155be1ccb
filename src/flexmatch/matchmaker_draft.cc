#include "flexmatch/matchmaker_draft.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace sapi::flexmatch {

Draft::Draft(const TicketPool& pool, const RuleSet& rules, const RulePlan& plan,
             MatchRecorder& recorder, int64_t now_ms)
    : pool_(pool),
      rules_(rules),
      plan_(plan),
      recorder_(recorder),
      now_ms_(now_ms),
      regions_(pool.tracks_latency() ? pool.regions().size() : 0),
      teams_(rules.teams.size()),
      sizes_(rules.teams.size(), 0),
      team_order_(rules.teams.size()) {
  for (auto& t : teams_) t.reserve(16);
  entries_.reserve(64);
  placed_teams_.reserve(kMaxMatchPlayers);
  region_worst_.assign(regions_, TicketPool::kNoLatency);
  spread_.assign(plan.spread_rules, Spread{0, 0, 0, 0});
  prechecked_.assign(plan.checked.size(), 0);
  min_at_.assign(rules.teams.size(), 0);
  max_at_.assign(rules.teams.size(), 0);
}

void Draft::clear() {
  entries_.clear();
  for (auto& t : teams_) t.clear();
  std::fill(sizes_.begin(), sizes_.end(), 0);
  placed_teams_.clear();
  region_worst_.resize(regions_);
  std::fill(region_worst_.begin(), region_worst_.end(), TicketPool::kNoLatency);
  spread_.assign(plan_.spread_rules, Spread{0, 0, 0, 0});
  backfills_ = 0;
  latency_exact_ = true;
  needs_recheck_ = false;
  last_failure.clear();
}

double Draft::age_of(uint32_t slot) const {
  return std::max<double>(0, static_cast<double>(now_ms_ - pool_.hot(slot).submitted_ms) / 1000);
}

double Draft::age_for(double min_age, double max_age) const {
  return rules_.algorithm.expansion_age_selection == ExpansionAgeSelection::kOldest ? max_age
                                                                                    : min_age;
}

double Draft::expansion_age() const {
  if (entries_.empty()) return 0;
  return age_for(entries_.back().min_age, entries_.back().max_age);
}

bool Draft::full() const {
  double age = expansion_age();
  for (size_t t = 0; t < sizes_.size(); ++t) {
    if (sizes_[t] < bound(rules_.teams[t].max_players, age)) return false;
  }
  return true;
}

// Rules that do not care which team a ticket joins (latency without maxDistance, a spread
// of all players) are tested from the running state before the ticket is placed: most
// candidates fail here, so a failure costs a few comparisons instead of a placement.
bool Draft::precheck(uint32_t slot, double age) {
  std::fill(prechecked_.begin(), prechecked_.end(), 0);
  if (!recorder_.traced_slots.empty()) return true;  // traced runs take the full path
  size_t depth = entries_.size();
  for (size_t i = 0; i < plan_.checked.size(); ++i) {
    const auto& c = plan_.checked[i];
    bool pass = true;
    if (c.shortcut == RulePlan::Checked::Shortcut::kSpread) {
      Spread s =
          depth == 0 ? Spread{0, 0, 0, 0} : spread_[depth * plan_.spread_rules + c.spread_slot];
      add_to(s, slot, c.attribute);
      bool decided = false;
      pass = spread_pass(c, s, age, decided);
      if (!decided) continue;
    } else if (c.shortcut == RulePlan::Checked::Shortcut::kLatencyMax && regions_ > 0 &&
               latency_exact_ && pool_.hot(slot).regions_exact) {
      double max_latency = rules_.rules[c.rule].max_latency->at(age);
      const uint16_t* mine = pool_.region_latency(slot);
      const uint16_t* worst = region_worst_.data() + depth * regions_;
      pass = false;
      for (size_t r = 0; r < regions_ && !pass; ++r) {
        uint16_t w = depth == 0 ? mine[r] : std::max(worst[r], mine[r]);
        pass = w != TicketPool::kNoLatency && w <= max_latency;
      }
    } else {
      continue;
    }
    recorder_.count(c.rule, pass);
    if (!pass) return false;
    prechecked_[i] = 1;
  }
  return true;
}

// Matchable tickets have a number for every player, so the pool's per-ticket statistics
// stand for the players one by one.
void Draft::add_to(Spread& s, uint32_t slot, int attribute) const {
  const auto& st = pool_.number_stats(slot, attribute);
  s.min = s.count == 0 ? st.min : std::min(s.min, st.min);
  s.max = s.count == 0 ? st.max : std::max(s.max, st.max);
  s.sum += st.sum;
  s.count += pool_.hot(slot).players;
}

int Draft::bound(const Expandable& e, double age) {
  if (e.steps.empty()) return static_cast<int>(e.base);
  return static_cast<int>(std::lround(e.at(age)));
}

Draft::Outcome Draft::try_add(uint32_t slot) {
  const auto& hot = pool_.hot(slot);
  if (hot.backfill && backfills_ > 0) return Outcome::kNoRoom;
  double age = age_of(slot);
  double min_age = entries_.empty() ? age : std::min(entries_.back().min_age, age);
  double max_age = entries_.empty() ? age : std::max(entries_.back().max_age, age);
  double new_age = age_for(min_age, max_age);
  int n_teams = static_cast<int>(sizes_.size());
  for (int t = 0; t < n_teams; ++t) {
    min_at_[t] = bound(rules_.teams[t].min_players, new_age);
    max_at_[t] = bound(rules_.teams[t].max_players, new_age);
    if (sizes_[t] > max_at_[t]) return Outcome::kNoRoom;
  }
  if (!precheck(slot, new_age)) return Outcome::kRuleFailed;
  if (hot.backfill) {
    // Players already in the game stay on their teams; new players of the request join the
    // team with the most open slots.
    if (!place(slot, -1, min_age, max_age)) return Outcome::kNoRoom;
    if (rules_pass(new_age, false)) return Outcome::kKept;
    pop();
    return Outcome::kRuleFailed;
  }
  // Teams below minPlayers first, then the most open slots, then rule-set order (insertion
  // sort: a handful of teams, and no allocation).
  auto key = [&](int t) {
    return std::pair<int, int>(sizes_[t] < min_at_[t] ? 0 : 1, -(max_at_[t] - sizes_[t]));
  };
  for (int t = 0; t < n_teams; ++t) {
    int j = t;
    while (j > 0 && key(t) < key(team_order_[j - 1])) {
      team_order_[j] = team_order_[j - 1];
      --j;
    }
    team_order_[j] = t;
  }
  bool had_room = false;
  for (int t : team_order_) {
    if (sizes_[t] + hot.players > max_at_[t]) continue;
    had_room = true;
    place(slot, t, min_age, max_age);
    if (rules_pass(new_age, false)) return Outcome::kKept;
    pop();
  }
  return had_room ? Outcome::kRuleFailed : Outcome::kNoRoom;
}

bool Draft::place(uint32_t slot, int team, double min_age, double max_age) {
  const Ticket& ticket = pool_.ticket(slot);
  Entry e{slot, team, min_age, max_age, static_cast<uint32_t>(placed_teams_.size())};
  if (team < 0) {
    // Backfill: every player's team is known, or goes to the roomiest team.
    int roomiest = 0;
    double age = age_for(min_age, max_age);
    for (int t = 1; t < static_cast<int>(sizes_.size()); ++t) {
      if (rules_.max_players(t, age) - sizes_[t] >
          rules_.max_players(roomiest, age) - sizes_[roomiest]) {
        roomiest = t;
      }
    }
    std::vector<int> add(sizes_.size(), 0);
    for (const auto& p : ticket.players) add[p.team.value_or(roomiest)]++;
    for (size_t t = 0; t < sizes_.size(); ++t) {
      if (sizes_[t] + add[t] > rules_.max_players(static_cast<int>(t), age)) return false;
    }
    e.team = roomiest;
  }
  for (const auto& p : ticket.players) {
    int t = team >= 0 ? team : p.team.value_or(e.team);
    teams_[t].push_back(&p);
    sizes_[t]++;
    placed_teams_.push_back(t);
  }
  if (pool_.hot(slot).backfill) backfills_++;
  if (regions_ > 0) {
    size_t depth = entries_.size();
    region_worst_.resize((depth + 2) * regions_);
    const uint16_t* prev = region_worst_.data() + depth * regions_;
    uint16_t* next = region_worst_.data() + (depth + 1) * regions_;
    const uint16_t* mine = pool_.region_latency(slot);
    for (size_t r = 0; r < regions_; ++r) {
      next[r] = depth == 0 ? mine[r] : std::max(prev[r], mine[r]);
    }
    latency_exact_ = latency_exact_ && pool_.hot(slot).regions_exact;
  }
  if (plan_.spread_rules > 0) {
    size_t k = plan_.spread_rules, depth = entries_.size();
    spread_.resize((depth + 2) * k);
    for (const auto& c : plan_.checked) {
      if (c.spread_slot < 0) continue;
      Spread s = spread_[depth * k + c.spread_slot];
      add_to(s, slot, c.attribute);
      spread_[(depth + 1) * k + c.spread_slot] = s;
    }
  }
  entries_.push_back(e);
  return true;
}

// Every player within maxDistance of the reference, from the running sum, min and max. Within
// a hair of the limit the result could differ from the evaluator's summation order, so the
// caller evaluates the rule in full instead (decided = false).
bool Draft::spread_pass(const RulePlan::Checked& c, const Spread& s, double age,
                        bool& decided) const {
  const Rule& r = rules_.rules[c.rule];
  decided = true;
  if (s.count == 0) return true;
  double ref = 0;
  switch (c.reference) {
    case RulePlan::Checked::Reference::kLiteral:
      ref = r.reference->number.at(age);
      break;
    case RulePlan::Checked::Reference::kAvg:
      ref = s.sum / s.count;
      break;
    case RulePlan::Checked::Reference::kMin:
      ref = s.min;
      break;
    case RulePlan::Checked::Reference::kMax:
      ref = s.max;
      break;
  }
  double worst = std::max(std::fabs(s.max - ref), std::fabs(ref - s.min));
  double limit = r.max_distance->at(age);
  if (std::fabs(worst - limit) <= 1e-9 * std::max(1.0, std::fabs(limit))) {
    decided = false;
    return false;
  }
  return worst <= limit;
}

void Draft::pop() {
  assert(!entries_.empty());
  const Entry& e = entries_.back();
  for (size_t i = placed_teams_.size(); i > e.placed_from; --i) {
    int t = placed_teams_[i - 1];
    teams_[t].pop_back();
    sizes_[t]--;
  }
  placed_teams_.resize(e.placed_from);
  if (pool_.hot(e.slot).backfill) backfills_--;
  entries_.pop_back();
  if (regions_ > 0) region_worst_.resize((entries_.size() + 1) * regions_);
  if (plan_.spread_rules > 0) spread_.resize((entries_.size() + 1) * plan_.spread_rules);
  if (!pool_.hot(e.slot).regions_exact) {
    latency_exact_ = true;
    for (const auto& x : entries_)
      latency_exact_ = latency_exact_ && pool_.hot(x.slot).regions_exact;
  }
  needs_recheck_ = true;
}

bool Draft::rule_pass(const RulePlan::Checked* c, int rule, double age, bool shortcut) {
  using Shortcut = RulePlan::Checked::Shortcut;
  bool pass = false;
  bool decided = false;
  if (shortcut && c != nullptr && c->shortcut == Shortcut::kSpread) {
    pass = spread_pass(*c, spread_[entries_.size() * plan_.spread_rules + c->spread_slot], age,
                       decided);
  } else if (shortcut && c != nullptr && c->shortcut == Shortcut::kLatencyMax && latency_exact_ &&
             regions_ > 0) {
    double max_latency = rules_.rules[rule].max_latency->at(age);
    const uint16_t* worst = region_worst_.data() + entries_.size() * regions_;
    for (size_t r = 0; r < regions_ && !pass; ++r) {
      pass = worst[r] != TicketPool::kNoLatency && worst[r] <= max_latency;
    }
    decided = true;
  }
  if (!decided) pass = rule_passes(rules_, rule, teams_, age);
  recorder_.count(rule, pass);
  return pass;
}

bool Draft::rules_pass(double age, bool final_check) {
  bool skipped = false;
  for (size_t i = 0; i < plan_.checked.size(); ++i) {
    const auto& c = plan_.checked[i];
    if (!final_check && prechecked_[i]) continue;
    if (!final_check) {
      bool ready = true;
      for (int t : c.needs_players) ready = ready && sizes_[t] > 0;
      if (!ready) {
        skipped = true;
        continue;
      }
    }
    if (!rule_pass(&c, c.rule, age, true)) {
      note_failure(c.rule, age);
      return false;
    }
  }
  if (final_check) {
    for (int r : plan_.deferred) {
      if (!rule_pass(nullptr, r, age, false)) {
        note_failure(r, age);
        return false;
      }
    }
  }
  needs_recheck_ = skipped;
  return true;
}

void Draft::note_failure(int rule, double age) {
  if (recorder_.traced_slots.empty() || entries_.empty()) return;
  uint32_t newest = entries_.back().slot;
  uint32_t first = entries_.front().slot;
  for (uint32_t traced_slot : {first, newest}) {
    TicketTrace* trace = recorder_.traced(traced_slot);
    if (trace == nullptr) continue;
    uint32_t other = traced_slot == first ? newest : first;
    auto it = std::find_if(trace->rules.begin(), trace->rules.end(),
                           [&](const auto& r) { return r.rule == rules_.rules[rule].name; });
    if (it == trace->rules.end()) {
      trace->rules.push_back({rules_.rules[rule].name});
      it = trace->rules.end() - 1;
    }
    it->failed++;
    if (it->against.size() < 5 && other != traced_slot) {
      it->against.push_back(pool_.ticket(other).id);
    }
    if (it->example.empty()) {
      std::string why;
      rule_passes(rules_, rule, teams_, age, &why);
      it->example = why;
    }
    if (first == newest) break;
  }
}

bool Draft::acceptable() {
  double age = expansion_age();
  int n_teams = static_cast<int>(sizes_.size());
  for (int t = 0; t < n_teams; ++t) {
    if (sizes_[t] < rules_.min_players(t, age) || sizes_[t] > rules_.max_players(t, age)) {
      last_failure = "teams below minPlayers: " + describe_teams();
      return false;
    }
  }
  if (backfills_ > 0 && entries_.size() < 2) {
    last_failure = "a backfill ticket never matches alone";
    return false;
  }
  if (!needs_recheck_ && plan_.deferred.empty()) return true;
  if (!rules_pass(age, true)) {
    last_failure = "a rule fails on the complete match: " + describe_teams();
    return false;
  }
  return true;
}

bool Draft::settle() {
  while (!entries_.empty()) {
    if (acceptable()) return true;
    if (entries_.size() == 1) return false;
    pop();
  }
  return false;
}

BuiltMatch Draft::built() const {
  BuiltMatch m;
  m.expansion_age = expansion_age();
  for (const auto& e : entries_) {
    m.slots.push_back(e.slot);
    m.teams.push_back(e.team);
  }
  return m;
}

std::string Draft::describe_teams() const {
  double age = expansion_age();
  std::string out;
  for (size_t t = 0; t < sizes_.size(); ++t) {
    if (!out.empty()) out += ", ";
    out += fmt::format("team {} {} (min {}, max {})", rules_.teams[t].name, sizes_[t],
                       rules_.min_players(static_cast<int>(t), age),
                       rules_.max_players(static_cast<int>(t), age));
  }
  return out + fmt::format(" at expansion age {:.1f} s", age);
}

}  // namespace sapi::flexmatch
