#include "flexmatch/expression_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace sapi::flexmatch::detail {
namespace {

Val attribute_value(const Player& p, int attribute) {
  if (attribute < 0 || static_cast<size_t>(attribute) >= p.attributes.size()) return {};
  const auto& a = p.attributes[attribute];
  switch (a.storage().index()) {
    case 1:
      return Val::num(a.as_number());
    case 2:
      return Val::text(a.as_string());
    case 3: {
      Val l = Val::list();
      for (const auto& s : a.as_string_list()) l.items.push_back(Val::text(s));
      return l;
    }
    case 4:
      return Val{Val::Kind::kOpaque, 0, {}, {}};
  }
  return {};
}

Val team_value(const Expr& e, const std::vector<const Player*>& players) {
  switch (e.kind) {
    case Expr::Kind::kTeams:
      return Val{Val::Kind::kOpaque, 0, {}, {}};
    case Expr::Kind::kPlayers: {
      Val l = Val::list();
      l.items.resize(players.size(), Val{Val::Kind::kOpaque, 0, {}, {}});
      return l;
    }
    case Expr::Kind::kAttribute: {
      Val l = Val::list();
      l.items.reserve(players.size());
      for (const auto* p : players) l.items.push_back(attribute_value(*p, e.attribute));
      return l;
    }
    case Expr::Kind::kPlayerId: {
      Val l = Val::list();
      l.items.reserve(players.size());
      for (const auto* p : players) l.items.push_back(Val::text(p->id));
      return l;
    }
    default:
      return {};
  }
}

Val select(const Expr& e, const TeamPlayers& teams) {
  static const std::vector<const Player*> kNoPlayers;
  auto players_of = [&](int t) -> const std::vector<const Player*>& {
    return static_cast<size_t>(t) < teams.size() ? teams[t] : kNoPlayers;
  };
  if (!e.per_team) return team_value(e, players_of(e.teams.empty() ? -1 : e.teams[0]));
  Val l = Val::list();
  for (int t : e.teams) l.items.push_back(team_value(e, players_of(t)));
  return l;
}

std::vector<double> numbers(const Val& list) {
  std::vector<double> out;
  for (const auto& v : list.items) {
    if (v.kind == Val::Kind::kNumber) out.push_back(v.number);
  }
  return out;
}

Val reduce(Function f, const Val& list) {
  if (list.kind != Val::Kind::kList) return {};
  if (f == Function::kCount) return Val::num(static_cast<double>(list.items.size()));
  if (f == Function::kSetIntersection) {
    std::vector<std::string_view> acc;
    bool first = true;
    for (const auto& sub : list.items) {
      if (sub.kind != Val::Kind::kList) continue;
      std::vector<std::string_view> s;
      for (const auto& x : sub.items) {
        if (x.kind == Val::Kind::kString) s.push_back(x.str);
      }
      std::sort(s.begin(), s.end());
      s.erase(std::unique(s.begin(), s.end()), s.end());
      if (first) {
        acc = std::move(s);
        first = false;
      } else {
        std::vector<std::string_view> both;
        std::set_intersection(acc.begin(), acc.end(), s.begin(), s.end(), std::back_inserter(both));
        acc = std::move(both);
      }
    }
    Val out = Val::list();
    for (auto s : acc) out.items.push_back(Val::text(s));
    return out;
  }
  auto xs = numbers(list);
  if (f == Function::kSum) {
    double s = 0;
    for (double x : xs) s += x;
    return Val::num(s);
  }
  if (xs.empty()) return {};
  switch (f) {
    case Function::kMin:
      return Val::num(*std::min_element(xs.begin(), xs.end()));
    case Function::kMax:
      return Val::num(*std::max_element(xs.begin(), xs.end()));
    case Function::kAvg:
    case Function::kStddev: {
      double sum = 0;
      for (double x : xs) sum += x;
      const double mean = sum / static_cast<double>(xs.size());
      if (f == Function::kAvg) return Val::num(mean);
      double sq = 0;
      for (double x : xs) sq += (x - mean) * (x - mean);
      return Val::num(std::sqrt(sq / static_cast<double>(xs.size())));
    }
    case Function::kMedian: {
      std::sort(xs.begin(), xs.end());
      const size_t n = xs.size();
      return Val::num(n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2);
    }
    default:
      return {};
  }
}

// Applies a reducing function at the innermost list level of a value `depth` levels deep.
Val reduce_at(Function f, const Val& v, int depth) {
  if (depth <= 1) return reduce(f, v);
  if (v.kind != Val::Kind::kList) return {};
  Val out = Val::list();
  out.items.reserve(v.items.size());
  for (const auto& item : v.items) out.items.push_back(reduce_at(f, item, depth - 1));
  return out;
}

Val flatten(Val v) {
  if (v.kind != Val::Kind::kList) return v;
  Val out = Val::list();
  for (auto& item : v.items) {
    if (item.kind == Val::Kind::kList) {
      for (auto& x : item.items) out.items.push_back(std::move(x));
    } else if (item.kind != Val::Kind::kNone) {
      out.items.push_back(std::move(item));
    }
  }
  return out;
}

// Numeric aggregates straight from the players, for f(teams[..].players.attributes[n]) and
// f(flatten(teams[*].players.attributes[n])): the shapes distance and comparison rules use
// most, evaluated for every candidate a builder tries. Same results as the general path.
bool fast_numeric(Function f) {
  return f == Function::kMin || f == Function::kMax || f == Function::kAvg || f == Function::kSum ||
         f == Function::kStddev;
}

template <typename Players>
Val aggregate_players(Function f, int attribute, const Players& each_team) {
  size_t n = 0;
  double sum = 0;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  auto for_each = [&](auto&& fn) {
    each_team([&](const std::vector<const Player*>& players) {
      for (const auto* p : players) {
        if (static_cast<size_t>(attribute) >= p->attributes.size()) continue;
        const auto& v = p->attributes[attribute];
        if (v.is_number()) fn(v.as_number());
      }
    });
  };
  for_each([&](double x) {
    ++n;
    sum += x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  });
  if (f == Function::kSum) return Val::num(sum);
  if (n == 0) return {};
  const double mean = sum / static_cast<double>(n);
  switch (f) {
    case Function::kMin:
      return Val::num(lo);
    case Function::kMax:
      return Val::num(hi);
    case Function::kAvg:
      return Val::num(mean);
    case Function::kStddev: {
      double sq = 0;
      for_each([&](double x) { sq += (x - mean) * (x - mean); });
      return Val::num(std::sqrt(sq / static_cast<double>(n)));
    }
    default:
      return {};
  }
}

const std::vector<const Player*>& team_players(const TeamPlayers& teams, int t) {
  static const std::vector<const Player*> kNoPlayers;
  return t >= 0 && static_cast<size_t>(t) < teams.size() ? teams[t] : kNoPlayers;
}

// nullopt when the expression is not one of the fast shapes.
std::optional<Val> try_fast(const Expr& e, const TeamPlayers& teams) {
  if (!fast_numeric(e.function)) return std::nullopt;
  const Expr& arg = e.args.front();
  const Expr* attr = &arg;
  bool all_together = false;
  if (arg.kind == Expr::Kind::kCall && arg.function == Function::kFlatten) {
    attr = &arg.args.front();
    all_together = attr->per_team;
  }
  if (attr->kind != Expr::Kind::kAttribute || attr->shape.leaf != LeafKind::kNumber) {
    return std::nullopt;
  }
  if (all_together || !attr->per_team) {
    return aggregate_players(e.function, attr->attribute, [&](auto&& visit) {
      for (int t : attr->teams) visit(team_players(teams, t));
      if (attr->teams.empty()) visit(team_players(teams, -1));
    });
  }
  Val out = Val::list();
  out.items.reserve(attr->teams.size());
  for (int t : attr->teams) {
    out.items.push_back(aggregate_players(e.function, attr->attribute,
                                          [&](auto&& visit) { visit(team_players(teams, t)); }));
  }
  return out;
}

}  // namespace

Val evaluate(const Expr& e, const TeamPlayers& teams) {
  switch (e.kind) {
    case Expr::Kind::kNumber:
      return Val::num(e.number);
    case Expr::Kind::kString:
      return Val::text(e.text);
    case Expr::Kind::kTeams:
    case Expr::Kind::kPlayers:
    case Expr::Kind::kAttribute:
    case Expr::Kind::kPlayerId:
      return select(e, teams);
    case Expr::Kind::kCall: {
      const Expr& arg = e.args.front();
      if (auto fast = try_fast(e, teams)) return std::move(*fast);
      // count(teams[...].players) is the most common expression (team sizes); answer it
      // without materialising the players.
      if (e.function == Function::kCount && arg.kind == Expr::Kind::kPlayers) {
        auto size_of = [&](int t) {
          return static_cast<size_t>(t) < teams.size() ? static_cast<double>(teams[t].size()) : 0;
        };
        if (!arg.per_team) return Val::num(arg.teams.empty() ? 0 : size_of(arg.teams[0]));
        Val out = Val::list();
        out.items.reserve(arg.teams.size());
        for (int t : arg.teams) out.items.push_back(Val::num(size_of(t)));
        return out;
      }
      Val v = evaluate(arg, teams);
      if (e.function == Function::kFlatten) {
        return arg.shape.depth >= 2 ? flatten(std::move(v)) : v;
      }
      // set_intersection consumes two levels (a list of lists becomes one list).
      const int level =
          e.function == Function::kSetIntersection ? arg.shape.depth - 1 : arg.shape.depth;
      return reduce_at(e.function, v, level);
    }
  }
  return {};
}

void values_at(const Val& v, int depth, std::vector<const Val*>& out) {
  if (v.kind == Val::Kind::kNone) return;
  if (depth <= 0) {
    out.push_back(&v);
    return;
  }
  if (v.kind != Val::Kind::kList) return;
  for (const auto& item : v.items) values_at(item, depth - 1, out);
}

std::string render(const Val& v) {
  switch (v.kind) {
    case Val::Kind::kNone:
      return "nothing";
    case Val::Kind::kNumber:
      return fmt::format("{}", v.number);
    case Val::Kind::kString:
      return fmt::format("\"{}\"", v.str);
    case Val::Kind::kOpaque:
      return "<object>";
    case Val::Kind::kList: {
      std::string s = "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) s += ", ";
        if (i == 8) {
          s += "...";
          break;
        }
        s += render(v.items[i]);
      }
      return s + "]";
    }
  }
  return "?";
}

}  // namespace sapi::flexmatch::detail
