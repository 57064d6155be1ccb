#include "flexmatch/batch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "flexmatch/rule_eval.h"

namespace sapi::flexmatch {
namespace {

using Group = std::vector<uint32_t>;

double oldest_age_s(const TicketPool& pool, const Group& g, int64_t now_ms) {
  int64_t oldest = now_ms;
  for (uint32_t s : g) oldest = std::min(oldest, pool.hot(s).submitted_ms);
  return static_cast<double>(now_ms - oldest) / 1000.0;
}

// Splits every group by one batchDistance rule. Tickets that cannot satisfy the rule on
// their own (a party disagreeing on a string, a missing value) leave the pool for the cycle.
std::vector<Group> split_by_distance(const TicketPool& pool, const RuleSet& rules, const Rule& rule,
                                     std::vector<Group> groups, int64_t now_ms) {
  std::vector<Group> out;
  const auto& decl = rules.attributes[rule.batch_attribute];
  for (auto& g : groups) {
    if (decl.type == AttributeType::kString) {
      std::map<std::string, Group> by_value;
      for (uint32_t s : g) {
        const auto& players = pool.ticket(s).players;
        const auto& v = players[0].attributes[rule.batch_attribute];
        if (!v.is_string()) continue;
        bool same = std::all_of(players.begin(), players.end(), [&](const Player& p) {
          return p.attributes[rule.batch_attribute] == v;
        });
        if (same) by_value[v.as_string()].push_back(s);
      }
      for (auto& [value, members] : by_value) out.push_back(std::move(members));
      continue;
    }
    std::vector<std::pair<double, uint32_t>> keyed;
    for (uint32_t s : g) {
      if (auto v = ticket_number(pool.ticket(s), rule.batch_attribute)) keyed.emplace_back(*v, s);
    }
    std::sort(keyed.begin(), keyed.end());
    double max_distance = rule.max_distance ? rule.max_distance->at(oldest_age_s(pool, g, now_ms))
                                            : std::numeric_limits<double>::infinity();
    Group current;
    double start = 0;
    for (const auto& [v, s] : keyed) {
      if (!current.empty() && v - start > max_distance) out.push_back(std::exchange(current, {}));
      if (current.empty()) start = v;
      current.push_back(s);
    }
    if (!current.empty()) out.push_back(std::move(current));
  }
  return out;
}

void sort_by_attributes(const TicketPool& pool, const RuleSet& rules, Group& g) {
  const auto& attrs = rules.algorithm.sort_by_attributes;
  if (attrs.size() == 1 && rules.attributes[attrs[0]].type == AttributeType::kNumber) {
    // The common case: one number. Sorting (key, slot) pairs keeps the comparisons in cache.
    std::vector<std::pair<double, uint32_t>> keyed(g.size());
    for (size_t i = 0; i < g.size(); ++i) {
      const auto& st = pool.number_stats(g[i], attrs[0]);
      keyed[i] = {st.sum / pool.hot(g[i]).players, g[i]};
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < g.size(); ++i) g[i] = keyed[i].second;
    return;
  }
  // Number keys are party averages, computed once per ticket rather than per comparison.
  std::vector<std::vector<double>> numbers(attrs.size());
  std::vector<uint32_t> index(pool.slot_count(), 0);
  for (size_t i = 0; i < g.size(); ++i) index[g[i]] = static_cast<uint32_t>(i);
  for (size_t k = 0; k < attrs.size(); ++k) {
    if (rules.attributes[attrs[k]].type != AttributeType::kNumber) continue;
    numbers[k].resize(g.size());
    for (size_t i = 0; i < g.size(); ++i) {
      numbers[k][i] = ticket_number(pool.ticket(g[i]), attrs[k])
                          .value_or(std::numeric_limits<double>::infinity());
    }
  }
  auto key_less = [&](uint32_t a, uint32_t b) {
    for (size_t k = 0; k < attrs.size(); ++k) {
      int attr = attrs[k];
      if (!numbers[k].empty()) {
        double va = numbers[k][index[a]], vb = numbers[k][index[b]];
        if (va != vb) return va < vb;
        continue;
      }
      const auto& xa = pool.ticket(a).players[0].attributes[attr];
      const auto& xb = pool.ticket(b).players[0].attributes[attr];
      if (xa.is_string() && xb.is_string() && xa.as_string() != xb.as_string()) {
        return xa.as_string() < xb.as_string();
      }
      if (xa.is_string_list() && xb.is_string_list() &&
          xa.as_string_list() != xb.as_string_list()) {
        return xa.as_string_list() < xb.as_string_list();
      }
    }
    return false;
  };
  std::stable_sort(g.begin(), g.end(), key_less);
}

// Groups tickets by region. fastestRegion: each ticket's own lowest-latency region.
// largestPopulation: regions ranked by how many tickets find them acceptable (at most the
// latency rule's maxLatency at the oldest ticket's age), each ticket going to the highest
// ranked acceptable region.
std::vector<Group> group_by_region(const TicketPool& pool, const RuleSet& rules, const Group& g,
                                   int64_t now_ms) {
  if (!pool.tracks_latency()) return {g};
  size_t n = pool.regions().size();
  double max_latency = std::numeric_limits<double>::infinity();
  double age = oldest_age_s(pool, g, now_ms);
  for (const auto& r : rules.rules) {
    if (r.type == RuleType::kLatency && r.max_latency) {
      max_latency = std::min(max_latency, r.max_latency->at(age));
    }
  }
  std::vector<size_t> population(n, 0);
  for (uint32_t s : g) {
    const uint16_t* lat = pool.region_latency(s);
    for (size_t r = 0; r < n; ++r) population[r] += lat[r] <= max_latency;
  }
  bool fastest = rules.algorithm.batching_preference == BatchingPreference::kFastestRegion;
  std::vector<Group> by_region(n + 1);
  for (uint32_t s : g) {
    const uint16_t* lat = pool.region_latency(s);
    size_t best = n;
    for (size_t r = 0; r < n; ++r) {
      if (lat[r] == TicketPool::kNoLatency) continue;
      bool better =
          best == n || (fastest ? lat[r] < lat[best]
                                : (lat[r] <= max_latency &&
                                   (lat[best] > max_latency || population[r] > population[best])));
      if (better) best = r;
    }
    by_region[best].push_back(s);
  }
  std::vector<Group> out;
  for (auto& members : by_region) {
    if (!members.empty()) out.push_back(std::move(members));
  }
  return out;
}

void order_by_age(const TicketPool& pool, BackfillPriority priority, Group& g) {
  struct Key {
    int rank;
    int64_t submitted_ms;
    uint32_t seq, slot;
    bool operator<(const Key& o) const {
      if (rank != o.rank) return rank < o.rank;
      if (submitted_ms != o.submitted_ms) return submitted_ms < o.submitted_ms;
      return seq < o.seq;
    }
  };
  std::vector<Key> keys(g.size());
  for (size_t i = 0; i < g.size(); ++i) {
    const auto& h = pool.hot(g[i]);
    int rank = 1;
    if (h.backfill && priority != BackfillPriority::kNormal) {
      rank = priority == BackfillPriority::kHigh ? 0 : 2;
    }
    keys[i] = {rank, h.submitted_ms, h.seq, g[i]};
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < g.size(); ++i) g[i] = keys[i].slot;
}

}  // namespace

std::optional<double> ticket_number(const Ticket& t, int attribute) {
  double sum = 0;
  for (const auto& p : t.players) {
    const auto& v = p.attributes[attribute];
    if (!v.is_number()) return std::nullopt;
    sum += v.as_number();
  }
  return sum / static_cast<double>(t.players.size());
}

std::vector<std::vector<uint32_t>> form_batches(const TicketPool& pool, const RuleSet& rules,
                                                const BatchOptions& options, int64_t now_ms,
                                                std::mt19937_64& rng) {
  Group all;
  all.reserve(pool.size());
  for (uint32_t s = 0; s < pool.slot_count(); ++s) {
    if (pool.live(s) && pool.hot(s).matchable) all.push_back(s);
  }
  std::vector<Group> groups;
  groups.push_back(std::move(all));
  for (const auto& rule : rules.rules) {
    if (rule.type == RuleType::kBatchDistance && rule.batch_attribute >= 0) {
      groups = split_by_distance(pool, rules, rule, std::move(groups), now_ms);
    }
  }
  std::vector<Group> ordered;
  for (auto& g : groups) {
    switch (rules.algorithm.batching_preference) {
      case BatchingPreference::kRandom:
        std::shuffle(g.begin(), g.end(), rng);
        ordered.push_back(std::move(g));
        break;
      case BatchingPreference::kSorted:
        sort_by_attributes(pool, rules, g);
        ordered.push_back(std::move(g));
        break;
      case BatchingPreference::kLargestPopulation:
      case BatchingPreference::kFastestRegion:
        for (auto& r : group_by_region(pool, rules, g, now_ms)) ordered.push_back(std::move(r));
        break;
    }
  }
  std::vector<Group> batches;
  size_t cap = std::max<size_t>(options.max_batch_tickets, 1);
  for (auto& g : ordered) {
    if (g.empty()) continue;
    size_t parts = (g.size() + cap - 1) / cap;
    size_t base = g.size() / parts, extra = g.size() % parts, at = 0;
    for (size_t i = 0; i < parts; ++i) {
      size_t len = base + (i < extra ? 1 : 0);
      batches.emplace_back(g.begin() + at, g.begin() + at + len);
      at += len;
    }
  }
  for (auto& b : batches) order_by_age(pool, rules.algorithm.backfill_priority, b);
  return batches;
}

}  // namespace sapi::flexmatch
