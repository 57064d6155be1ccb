#include "flexmatch/matchmaker_plan.h"

#include <algorithm>

namespace sapi::flexmatch {
namespace {

struct Reads {
  bool size_dependent = false;
  std::vector<int> teams;
};

void collect_teams(const Expr& e, std::vector<int>& out) {
  out.insert(out.end(), e.teams.begin(), e.teams.end());
  for (const auto& a : e.args) collect_teams(a, out);
}

// A reducing function over a list that comes from particular teams (not flattened over
// them) needs those teams to have players.
void walk(const Expr& e, Reads& r) {
  if (e.kind != Expr::Kind::kCall) return;
  if (e.function == Function::kCount || e.function == Function::kSum) r.size_dependent = true;
  bool reduces = e.function != Function::kFlatten;
  for (const auto& a : e.args) {
    bool flattened = a.kind == Expr::Kind::kCall && a.function == Function::kFlatten;
    if (reduces && !flattened) collect_teams(a, r.teams);
    walk(a, r);
  }
}

void reads_of(const RuleSet& rs, int index, Reads& r) {
  const Rule& rule = rs.rules[index];
  switch (rule.type) {
    case RuleType::kLatency:
    case RuleType::kBatchDistance:
      return;
    case RuleType::kCompound: {
      std::vector<const Statement*> stack = {&rule.statement};
      while (!stack.empty()) {
        const Statement* s = stack.back();
        stack.pop_back();
        if (s->op == Statement::Op::kRule && s->rule >= 0) reads_of(rs, s->rule, r);
        for (const auto& a : s->args) stack.push_back(&a);
      }
      return;
    }
    default:
      break;
  }
  for (const auto& m : rule.measurements) walk(m.root, r);
  if (rule.reference && rule.reference->kind == ReferenceValue::Kind::kExpression) {
    walk(rule.reference->expression.root, r);
  }
  if (rule.type == RuleType::kCollection) {
    bool grows = rule.collection_op != CollectionOp::kIntersection;
    if ((grows && rule.min_count) || (!grows && rule.max_count)) r.size_dependent = true;
  }
}

// `teams[*].players.attributes[a]` or `flatten(...)` of it over every team: every player's
// value of number attribute a. Returns a, or -1.
int all_players_number(const RuleSet& rs, const Expr& e) {
  const Expr* x = &e;
  if (x->kind == Expr::Kind::kCall && x->function == Function::kFlatten && x->args.size() == 1) {
    x = &x->args[0];
  }
  if (x->kind != Expr::Kind::kAttribute || x->attribute < 0 || x->teams.size() != rs.teams.size() ||
      rs.attributes[x->attribute].type != AttributeType::kNumber) {
    return -1;
  }
  return x->attribute;
}

void plan_spread(const RuleSet& rs, const Rule& rule, RulePlan::Checked& c) {
  using Reference = RulePlan::Checked::Reference;
  if (rule.type != RuleType::kDistance || rule.min_distance || !rule.max_distance ||
      rule.measurements.size() != 1 || !rule.reference) {
    return;
  }
  int attribute = all_players_number(rs, rule.measurements[0].root);
  if (attribute < 0) return;
  const ReferenceValue& ref = *rule.reference;
  if (ref.kind == ReferenceValue::Kind::kNumber) {
    c.reference = Reference::kLiteral;
  } else if (ref.kind == ReferenceValue::Kind::kExpression &&
             ref.expression.root.kind == Expr::Kind::kCall &&
             ref.expression.root.args.size() == 1 &&
             all_players_number(rs, ref.expression.root.args[0]) == attribute) {
    switch (ref.expression.root.function) {
      case Function::kAvg:
        c.reference = Reference::kAvg;
        break;
      case Function::kMin:
        c.reference = Reference::kMin;
        break;
      case Function::kMax:
        c.reference = Reference::kMax;
        break;
      default:
        return;
    }
  } else {
    return;
  }
  c.shortcut = RulePlan::Checked::Shortcut::kSpread;
  c.attribute = attribute;
}

}  // namespace

RulePlan plan_rules(const RuleSet& rs, bool incremental) {
  RulePlan plan;
  for (int i = 0; i < static_cast<int>(rs.rules.size()); ++i) {
    const Rule& rule = rs.rules[i];
    if (rule.is_sort()) {
      plan.sort_rules.push_back(i);
      continue;
    }
    if (!rule.enforced_directly) continue;
    Reads reads;
    reads_of(rs, i, reads);
    if (reads.size_dependent) {
      plan.deferred.push_back(i);
      continue;
    }
    RulePlan::Checked c;
    c.rule = i;
    std::sort(reads.teams.begin(), reads.teams.end());
    reads.teams.erase(std::unique(reads.teams.begin(), reads.teams.end()), reads.teams.end());
    c.needs_players = std::move(reads.teams);
    if (incremental && rule.type == RuleType::kLatency && !rule.max_distance) {
      c.shortcut = RulePlan::Checked::Shortcut::kLatencyMax;
    }
    if (incremental) plan_spread(rs, rule, c);
    if (c.shortcut == RulePlan::Checked::Shortcut::kSpread) c.spread_slot = plan.spread_rules++;
    plan.checked.push_back(std::move(c));
  }
  return plan;
}

}  // namespace sapi::flexmatch
