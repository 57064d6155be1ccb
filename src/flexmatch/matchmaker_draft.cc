#include "flexmatch/matchmaker_draft.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
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
}

void Draft::clear() {
  entries_.clear();
  for (auto& t : teams_) t.clear();
  std::fill(sizes_.begin(), sizes_.end(), 0);
  placed_teams_.clear();
  region_worst_.resize(regions_);
  std::fill(region_worst_.begin(), region_worst_.end(), TicketPool::kNoLatency);
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
    if (sizes_[t] < rules_.max_players(static_cast<int>(t), age)) return false;
  }
  return true;
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
    if (sizes_[t] > rules_.max_players(t, new_age)) return Outcome::kNoRoom;
  }
  if (hot.backfill) {
    // Players already in the game stay on their teams; new players of the request join the
    // team with the most open slots.
    if (!place(slot, -1, min_age, max_age)) return Outcome::kNoRoom;
    if (rules_pass(new_age, false)) return Outcome::kKept;
    pop();
    return Outcome::kRuleFailed;
  }
  // Teams below minPlayers first, then the most open slots, then rule-set order.
  for (int t = 0; t < n_teams; ++t) team_order_[t] = t;
  auto key = [&](int t) {
    int max = rules_.max_players(t, new_age);
    bool below = sizes_[t] < rules_.min_players(t, new_age);
    return std::pair<int, int>(below ? 0 : 1, -(max - sizes_[t]));
  };
  std::stable_sort(team_order_.begin(), team_order_.end(),
                   [&](int a, int b) { return key(a) < key(b); });
  bool had_room = false;
  for (int t : team_order_) {
    if (sizes_[t] + hot.players > rules_.max_players(t, new_age)) continue;
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
  entries_.push_back(e);
  return true;
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
  if (!pool_.hot(e.slot).regions_exact) {
    latency_exact_ = true;
    for (const auto& x : entries_)
      latency_exact_ = latency_exact_ && pool_.hot(x.slot).regions_exact;
  }
  needs_recheck_ = true;
}

bool Draft::rule_pass(const RulePlan::Checked* c, int rule, double age, bool shortcut) {
  bool pass;
  if (shortcut && c != nullptr && c->shortcut == RulePlan::Checked::Shortcut::kLatencyMax &&
      latency_exact_ && regions_ > 0) {
    double max_latency = rules_.rules[rule].max_latency->at(age);
    const uint16_t* worst = region_worst_.data() + entries_.size() * regions_;
    pass = false;
    for (size_t r = 0; r < regions_ && !pass; ++r) {
      pass = worst[r] != TicketPool::kNoLatency && worst[r] <= max_latency;
    }
  } else {
    pass = rule_passes(rules_, rule, teams_, age);
  }
  recorder_.count(rule, pass);
  return pass;
}

bool Draft::rules_pass(double age, bool final_check) {
  bool skipped = false;
  for (const auto& c : plan_.checked) {
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
