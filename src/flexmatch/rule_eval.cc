#include "flexmatch/rule_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "flexmatch/expression_eval.h"

namespace sapi::flexmatch {
using detail::render;
using detail::Val;
using detail::values_at;

namespace {

bool fail(std::string* why, std::string reason) {
  if (why) *why = std::move(reason);
  return false;
}

std::string_view op_text(ComparisonOp op) {
  switch (op) {
    case ComparisonOp::kLess:
      return "<";
    case ComparisonOp::kLessEqual:
      return "<=";
    case ComparisonOp::kEqual:
      return "=";
    case ComparisonOp::kNotEqual:
      return "!=";
    case ComparisonOp::kGreater:
      return ">";
    case ComparisonOp::kGreaterEqual:
      return ">=";
  }
  return "?";
}

template <typename T>
bool compare(const T& a, ComparisonOp op, const T& b) {
  switch (op) {
    case ComparisonOp::kLess:
      return a < b;
    case ComparisonOp::kLessEqual:
      return a <= b;
    case ComparisonOp::kEqual:
      return a == b;
    case ComparisonOp::kNotEqual:
      return a != b;
    case ComparisonOp::kGreater:
      return a > b;
    case ComparisonOp::kGreaterEqual:
      return a >= b;
  }
  return false;
}

// Every scalar a rule's measurements yield, with the expression each came from.
struct Measured {
  std::vector<Val> roots;  // keeps the values alive
  std::vector<std::pair<const Val*, const PropertyExpression*>> leaves;
};

Measured measure(const Rule& rule, const TeamPlayers& teams, int extra_depth = 0) {
  Measured m;
  m.roots.reserve(rule.measurements.size());
  for (const auto& pe : rule.measurements) m.roots.push_back(detail::evaluate(pe.root, teams));
  for (size_t i = 0; i < rule.measurements.size(); ++i) {
    std::vector<const Val*> vals;
    const int depth = std::max(0, rule.measurements[i].root.shape.depth - extra_depth);
    values_at(m.roots[i], depth, vals);
    for (const auto* v : vals) m.leaves.emplace_back(v, &rule.measurements[i]);
  }
  return m;
}

// The reference as a scalar; kind kNone when an expression yields nothing (then the rule has
// nothing to compare against and passes).
Val reference_scalar(const ReferenceValue& ref, const TeamPlayers& teams, double age) {
  switch (ref.kind) {
    case ReferenceValue::Kind::kNumber:
      return Val::num(ref.number.at(age));
    case ReferenceValue::Kind::kString:
      return Val::text(ref.text);
    case ReferenceValue::Kind::kExpression:
      return detail::evaluate(ref.expression.root, teams);
  }
  return {};
}

bool comparison(const Rule& rule, const TeamPlayers& teams, double age, std::string* why) {
  Measured m = measure(rule, teams);
  const auto op = rule.comparison_op;
  if (rule.reference) {
    Val ref = reference_scalar(*rule.reference, teams, age);
    if (ref.kind != Val::Kind::kNumber && ref.kind != Val::Kind::kString) return true;
    for (const auto& [v, pe] : m.leaves) {
      bool ok = v->kind == Val::Kind::kNumber && ref.kind == Val::Kind::kNumber
                    ? compare(v->number, op, ref.number)
                    : v->kind == Val::Kind::kString && ref.kind == Val::Kind::kString &&
                          compare(v->str, op, ref.str);
      if (!ok) {
        return fail(why, fmt::format("{} yields {}, which is not {} {}", pe->source, render(*v),
                                     op_text(op), render(ref)));
      }
    }
    return true;
  }
  // Without a reference: "=" all equal, "!=" all different.
  for (size_t i = 0; i < m.leaves.size(); ++i) {
    for (size_t j = i + 1; j < m.leaves.size(); ++j) {
      const Val& a = *m.leaves[i].first;
      const Val& b = *m.leaves[j].first;
      const bool equal = a.kind == b.kind &&
                         (a.kind == Val::Kind::kNumber ? a.number == b.number : a.str == b.str);
      if (op == ComparisonOp::kEqual && !equal) {
        return fail(why, fmt::format("{} yields {} and {}; all must be equal",
                                     m.leaves[i].second->source, render(a), render(b)));
      }
      if (op == ComparisonOp::kNotEqual && equal) {
        return fail(why, fmt::format("{} yields {} twice; all must be different",
                                     m.leaves[i].second->source, render(a)));
      }
    }
  }
  return true;
}

bool distance(const Rule& rule, const TeamPlayers& teams, double age, std::string* why) {
  if (!rule.reference) return true;
  Val ref = reference_scalar(*rule.reference, teams, age);
  if (ref.kind != Val::Kind::kNumber) return true;
  Measured m = measure(rule, teams);
  for (const auto& [v, pe] : m.leaves) {
    if (v->kind != Val::Kind::kNumber) continue;
    const double d = std::fabs(v->number - ref.number);
    if (rule.max_distance && d > rule.max_distance->at(age)) {
      return fail(
          why, fmt::format("{} yields {}, {} from the reference {}; maxDistance is {}", pe->source,
                           v->number, d, ref.number, rule.max_distance->at(age)));
    }
    if (rule.min_distance && d < rule.min_distance->at(age)) {
      return fail(
          why, fmt::format("{} yields {}, {} from the reference {}; minDistance is {}", pe->source,
                           v->number, d, ref.number, rule.min_distance->at(age)));
    }
  }
  return true;
}

bool count_ok(const Rule& rule, double count, double age, std::string* why,
              const std::string& what) {
  if (rule.min_count && count < rule.min_count->at(age)) {
    return fail(why,
                fmt::format("{} is {}, below minCount {}", what, count, rule.min_count->at(age)));
  }
  if (rule.max_count && count > rule.max_count->at(age)) {
    return fail(why,
                fmt::format("{} is {}, above maxCount {}", what, count, rule.max_count->at(age)));
  }
  return true;
}

std::vector<std::string_view> string_set(const Val& v) {
  std::vector<std::string_view> s;
  if (v.kind == Val::Kind::kString) s.push_back(v.str);
  for (const auto& x : v.items) {
    if (x.kind == Val::Kind::kString) s.push_back(x.str);
  }
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

bool collection(const Rule& rule, const TeamPlayers& teams, double age, std::string* why) {
  switch (rule.collection_op) {
    case CollectionOp::kContains: {
      if (!rule.reference) return true;
      Val ref = reference_scalar(*rule.reference, teams, age);
      if (ref.kind != Val::Kind::kString) return true;
      Measured m = measure(rule, teams);
      double n = 0;
      for (const auto& [v, pe] : m.leaves) n += v->kind == Val::Kind::kString && v->str == ref.str;
      return count_ok(rule, n, age, why, fmt::format("the number of {}", render(ref)));
    }
    case CollectionOp::kIntersection: {
      // The lists are one level above the strings.
      Measured m = measure(rule, teams, 1);
      if (m.leaves.empty()) return true;
      auto acc = string_set(*m.leaves[0].first);
      for (size_t i = 1; i < m.leaves.size(); ++i) {
        auto s = string_set(*m.leaves[i].first);
        std::vector<std::string_view> both;
        std::set_intersection(acc.begin(), acc.end(), s.begin(), s.end(), std::back_inserter(both));
        acc = std::move(both);
      }
      return count_ok(rule, static_cast<double>(acc.size()), age, why,
                      fmt::format("the intersection of {} lists", m.leaves.size()));
    }
    case CollectionOp::kReferenceIntersectionCount: {
      if (!rule.reference) return true;
      Val ref = rule.reference->kind == ReferenceValue::Kind::kExpression
                    ? detail::evaluate(rule.reference->expression.root, teams)
                    : Val::text(rule.reference->text);
      auto ref_set = string_set(ref);
      Measured m = measure(rule, teams, 1);
      for (const auto& [v, pe] : m.leaves) {
        auto s = string_set(*v);
        std::vector<std::string_view> both;
        std::set_intersection(s.begin(), s.end(), ref_set.begin(), ref_set.end(),
                              std::back_inserter(both));
        if (!count_ok(rule, static_cast<double>(both.size()), age, why,
                      fmt::format("the overlap of {} with the reference", render(*v)))) {
          return false;
        }
      }
      return true;
    }
  }
  return true;
}

bool batch_distance(const RuleSet& rs, const Rule& rule, const TeamPlayers& teams, double age,
                    std::string* why) {
  const Player* low = nullptr;
  const Player* high = nullptr;
  const Player* first = nullptr;
  const auto& decl = rs.attributes[rule.batch_attribute];
  for (const auto& team : teams) {
    for (const auto* p : team) {
      const auto& v = p->attributes[rule.batch_attribute];
      if (!v.present()) continue;
      if (decl.type == AttributeType::kString) {
        if (first == nullptr) first = p;
        if (v.as_string() != first->attributes[rule.batch_attribute].as_string()) {
          return fail(why,
                      fmt::format("{} of player {} is \"{}\" but \"{}\" for player {}", decl.name,
                                  p->id, v.as_string(),
                                  first->attributes[rule.batch_attribute].as_string(), first->id));
        }
        continue;
      }
      if (!low || v.as_number() < low->attributes[rule.batch_attribute].as_number()) low = p;
      if (!high || v.as_number() > high->attributes[rule.batch_attribute].as_number()) high = p;
    }
  }
  if (low && rule.max_distance) {
    const double lo = low->attributes[rule.batch_attribute].as_number();
    const double hi = high->attributes[rule.batch_attribute].as_number();
    if (hi - lo > rule.max_distance->at(age)) {
      return fail(why,
                  fmt::format("{} ranges from {} (player {}) to {} (player {}), more than "
                              "maxDistance {} apart",
                              decl.name, lo, low->id, hi, high->id, rule.max_distance->at(age)));
    }
  }
  return true;
}

// Whether every player has `region` at or under `max` ms; with `spread_rule`, also within its
// maxDistance of the lowest (or average) latency there. No allocation: this runs for every
// candidate a builder tries.
bool region_fits(const TeamPlayers& teams, std::string_view region, double max,
                 const Rule* spread_rule, size_t players, double age) {
  double lowest = std::numeric_limits<double>::infinity();
  double worst = 0;
  double sum = 0;
  for (const auto& team : teams) {
    for (const auto* p : team) {
      auto ms = p->latency_to(region);
      if (!ms || *ms > max) return false;
      lowest = std::min(lowest, static_cast<double>(*ms));
      worst = std::max(worst, static_cast<double>(*ms));
      sum += *ms;
    }
  }
  if (spread_rule == nullptr || !spread_rule->max_distance) return true;
  const double ref = spread_rule->distance_reference == DistanceReference::kAvg
                         ? sum / static_cast<double>(players)
                         : lowest;
  return worst - ref <= spread_rule->max_distance->at(age);
}

bool latency(const Rule& rule, const TeamPlayers& teams, double age, std::string* why) {
  const double max =
      rule.max_latency ? rule.max_latency->at(age) : std::numeric_limits<double>::infinity();
  const Player* first = nullptr;
  size_t players = 0;
  for (const auto& team : teams) {
    for (const auto* p : team) {
      ++players;
      if (p->latencies.empty()) {
        return fail(why, fmt::format("player {} reported no latency", p->id));
      }
      if (first == nullptr) first = p;
    }
  }
  if (first == nullptr) return true;
  bool under_max = false;
  for (const auto& l : first->latencies) {
    if (l.ms > max) continue;
    if (region_fits(teams, l.region, max, &rule, players, age)) return true;
    under_max = under_max || region_fits(teams, l.region, max, nullptr, players, age);
  }
  if (!under_max || !rule.max_distance) {
    return fail(why, fmt::format("no region where every player's latency is at most {} ms", max));
  }
  return fail(
      why, fmt::format("in every region under {} ms, some player's latency is more than "
                       "maxDistance {} ms above the {} latency",
                       max, rule.max_distance->at(age),
                       rule.distance_reference == DistanceReference::kAvg ? "average" : "lowest"));
}

bool statement(const RuleSet& rs, const Statement& st, const TeamPlayers& teams, double age,
               std::vector<std::string>* notes) {
  switch (st.op) {
    case Statement::Op::kRule: {
      std::string why;
      bool ok = rule_passes(rs, st.rule, teams, age, notes ? &why : nullptr);
      if (notes) {
        notes->push_back(ok ? fmt::format("{} passes", rs.rules[st.rule].name)
                            : fmt::format("{} fails ({})", rs.rules[st.rule].name, why));
      }
      return ok;
    }
    case Statement::Op::kNot:
      return !statement(rs, st.args[0], teams, age, notes);
    case Statement::Op::kAnd:
    case Statement::Op::kOr:
    case Statement::Op::kXor: {
      int true_count = 0;
      for (const auto& a : st.args) true_count += statement(rs, a, teams, age, notes);
      if (st.op == Statement::Op::kAnd) return true_count == static_cast<int>(st.args.size());
      if (st.op == Statement::Op::kOr) return true_count > 0;
      return true_count == 1;
    }
  }
  return false;
}

}  // namespace

bool rule_passes(const RuleSet& rs, int index, const TeamPlayers& teams, double age,
                 std::string* why) {
  const Rule& rule = rs.rules[index];
  switch (rule.type) {
    case RuleType::kBatchDistance:
      return batch_distance(rs, rule, teams, age, why);
    case RuleType::kComparison:
      return comparison(rule, teams, age, why);
    case RuleType::kDistance:
      return distance(rule, teams, age, why);
    case RuleType::kCollection:
      return collection(rule, teams, age, why);
    case RuleType::kLatency:
      return latency(rule, teams, age, why);
    case RuleType::kAbsoluteSort:
    case RuleType::kDistanceSort:
      return true;
    case RuleType::kCompound: {
      std::vector<std::string> notes;
      bool ok = statement(rs, rule.statement, teams, age, why ? &notes : nullptr);
      if (!ok && why) {
        std::string joined;
        for (const auto& n : notes) joined += (joined.empty() ? "" : "; ") + n;
        *why = fmt::format("the statement is false: {}", joined);
      }
      return ok;
    }
  }
  return true;
}

std::vector<RuleFailure> failed_rules(const RuleSet& rs, const TeamPlayers& teams, double age) {
  std::vector<RuleFailure> out;
  for (size_t i = 0; i < rs.rules.size(); ++i) {
    const auto& r = rs.rules[i];
    if (!r.enforced_directly || r.is_sort()) continue;
    std::string why;
    if (!rule_passes(rs, static_cast<int>(i), teams, age, &why)) {
      out.push_back({static_cast<int>(i), std::move(why)});
    }
  }
  return out;
}

std::optional<std::string> unmatchable_reason(const RuleSet& rs, const Player& player) {
  if (player.attributes.size() != rs.attributes.size()) {
    return fmt::format("player {} carries {} attribute values; the rule set declares {}", player.id,
                       player.attributes.size(), rs.attributes.size());
  }
  for (size_t i = 0; i < rs.attributes.size(); ++i) {
    if (!player.attributes[i].present()) {
      return fmt::format("player {} has no value for attribute {}, which has no default", player.id,
                         rs.attributes[i].name);
    }
    if (player.attributes[i].type() != rs.attributes[i].type) {
      return fmt::format("player {}'s value for attribute {} is a {}, declared {}", player.id,
                         rs.attributes[i].name, attribute_type_name(player.attributes[i].type()),
                         attribute_type_name(rs.attributes[i].type));
    }
  }
  if (rs.has_latency_rule() && player.latencies.empty()) {
    return fmt::format("player {} reported no latency and the rule set has a latency rule",
                       player.id);
  }
  return std::nullopt;
}

std::optional<double> party_number(const Ticket& t, int attribute, PartyAggregation agg) {
  if (t.players.empty()) return std::nullopt;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  double sum = 0;
  for (const auto& p : t.players) {
    if (attribute < 0 || static_cast<size_t>(attribute) >= p.attributes.size() ||
        !p.attributes[attribute].is_number()) {
      return std::nullopt;
    }
    const double v = p.attributes[attribute].as_number();
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  if (agg == PartyAggregation::kMin) return lo;
  if (agg == PartyAggregation::kMax) return hi;
  return sum / static_cast<double>(t.players.size());
}

namespace {

// The anchor's map key with the smallest or largest value over all its players.
std::optional<std::string> anchor_map_key(const Ticket& anchor, int attribute, MapKey which) {
  std::optional<std::string> key;
  double best = 0;
  for (const auto& p : anchor.players) {
    if (static_cast<size_t>(attribute) >= p.attributes.size()) continue;
    const auto& v = p.attributes[attribute];
    if (!v.is_string_number_map()) continue;
    for (const auto& [k, d] : v.as_string_number_map()) {
      const bool better = !key || (which == MapKey::kMinValue ? d < best : d > best);
      if (better) {
        key = k;
        best = d;
      }
    }
  }
  return key;
}

std::optional<double> party_map_value(const Ticket& t, int attribute, const std::string& key,
                                      PartyAggregation agg) {
  std::vector<double> xs;
  for (const auto& p : t.players) {
    if (static_cast<size_t>(attribute) >= p.attributes.size()) continue;
    if (auto d = p.attributes[attribute].map_value(key)) xs.push_back(*d);
  }
  if (xs.empty()) return std::nullopt;
  if (agg == PartyAggregation::kMin) return *std::min_element(xs.begin(), xs.end());
  if (agg == PartyAggregation::kMax) return *std::max_element(xs.begin(), xs.end());
  double s = 0;
  for (double x : xs) s += x;
  return s / static_cast<double>(xs.size());
}

}  // namespace

std::optional<double> sort_key(const RuleSet& rs, const Rule& rule, const Ticket& candidate,
                               const Ticket& anchor) {
  if (!rule.is_sort() || rule.sort_attribute < 0) return std::nullopt;
  const int attr = rule.sort_attribute;
  std::optional<double> mine;
  std::optional<double> theirs;
  if (rs.attributes[attr].type == AttributeType::kStringNumberMap) {
    auto key = anchor_map_key(anchor, attr, rule.map_key);
    if (!key) return std::nullopt;
    mine = party_map_value(candidate, attr, *key, rule.party_aggregation);
    theirs = party_map_value(anchor, attr, *key, rule.party_aggregation);
  } else {
    mine = party_number(candidate, attr, rule.party_aggregation);
    theirs = party_number(anchor, attr, rule.party_aggregation);
  }
  if (!mine) return std::nullopt;
  double key = *mine;
  if (rule.type == RuleType::kDistanceSort) {
    if (!theirs) return std::nullopt;
    key = std::fabs(*mine - *theirs);
  }
  return rule.sort_direction == SortDirection::kDescending ? -key : key;
}

std::vector<std::string> common_regions(const TeamPlayers& teams, double max_latency) {
  std::vector<std::string> regions;
  bool first = true;
  for (const auto& team : teams) {
    for (const auto* p : team) {
      std::vector<std::string> mine;
      for (const auto& l : p->latencies) {
        if (l.ms <= max_latency) mine.push_back(l.region);
      }
      if (first) {
        regions = std::move(mine);
        first = false;
      } else {
        std::vector<std::string> both;
        std::set_intersection(regions.begin(), regions.end(), mine.begin(), mine.end(),
                              std::back_inserter(both));
        regions = std::move(both);
      }
    }
  }
  return regions;
}

}  // namespace sapi::flexmatch
