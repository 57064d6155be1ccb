// Reading `expansions` and the large-match restrictions.

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "flexmatch/rule_set_parser_internal.h"

namespace sapi::flexmatch::detail {
namespace json = boost::json;
namespace {

struct Target {
  bool team = false;
  std::vector<std::string> names;  // inside the brackets
  std::string field;
};

// "rules[Name].field" or "teams[a, b].field"; nullopt when malformed.
std::optional<Target> parse_target(std::string_view s) {
  Target t;
  if (s.rfind("rules[", 0) == 0) {
    s.remove_prefix(6);
  } else if (s.rfind("teams[", 0) == 0) {
    t.team = true;
    s.remove_prefix(6);
  } else {
    return std::nullopt;
  }
  auto close = s.find("].");
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view names = s.substr(0, close);
  t.field = std::string(s.substr(close + 2));
  size_t start = 0;
  while (start <= names.size()) {
    size_t comma = names.find(',', start);
    if (comma == std::string_view::npos) comma = names.size();
    auto n = names.substr(start, comma - start);
    while (!n.empty() && std::isspace(static_cast<unsigned char>(n.front()))) n.remove_prefix(1);
    while (!n.empty() && std::isspace(static_cast<unsigned char>(n.back()))) n.remove_suffix(1);
    if (n.empty()) return std::nullopt;
    t.names.emplace_back(n);
    start = comma + 1;
  }
  if (t.field.empty() || (!t.team && t.names.size() != 1)) return std::nullopt;
  return t;
}

// The expandable field a rule target names, or an explanation of why there is none.
Expandable* rule_field(Rule& rule, const std::string& field, std::string& why) {
  auto missing = [&](std::string_view f) -> Expandable* {
    why = fmt::format("rule \"{}\" sets no {} to expand", rule.name, f);
    return nullptr;
  };
  const auto t = rule.type;
  if (field == "maxDistance" &&
      (t == RuleType::kDistance || t == RuleType::kBatchDistance || t == RuleType::kLatency)) {
    return rule.max_distance ? &*rule.max_distance : missing(field);
  }
  if (field == "minDistance" && t == RuleType::kDistance) {
    return rule.min_distance ? &*rule.min_distance : missing(field);
  }
  if (field == "maxLatency" && t == RuleType::kLatency) {
    return rule.max_latency ? &*rule.max_latency : missing(field);
  }
  if (field == "minCount" && t == RuleType::kCollection) {
    return rule.min_count ? &*rule.min_count : missing(field);
  }
  if (field == "maxCount" && t == RuleType::kCollection) {
    return rule.max_count ? &*rule.max_count : missing(field);
  }
  if (field == "referenceValue" && (t == RuleType::kDistance || t == RuleType::kComparison)) {
    if (rule.reference && rule.reference->kind == ReferenceValue::Kind::kNumber) {
      return &rule.reference->number;
    }
    why = fmt::format("only a number referenceValue can be expanded; rule \"{}\" has none",
                      rule.name);
    return nullptr;
  }
  why = fmt::format("\"{}\" is not an expandable property of a {} rule", field, rule_type_name(t));
  return nullptr;
}

std::vector<ExpansionStep> parse_steps(const ObjectReader& r, bool whole) {
  std::vector<ExpansionStep> steps;
  const auto* v = r.get("steps");
  const auto path = r.path_of("steps");
  if (v == nullptr || !v->is_array() || v->get_array().empty()) {
    r.diags().error(path, "expected a non-empty array of {waitTimeSeconds, value}, found " +
                              (v ? describe(*v) : std::string("nothing")));
    return steps;
  }
  const auto& arr = v->get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    const auto p = element(path, i);
    if (!arr[i].is_object()) {
      r.diags().error(p, "expected {waitTimeSeconds, value}, found " + describe(arr[i]));
      continue;
    }
    ObjectReader s(arr[i].get_object(), p, r.diags());
    s.warn_unknown_keys({"waitTimeSeconds", "value"});
    auto wait = s.number("waitTimeSeconds", true);
    auto value = s.number("value", true);
    if (!wait || !value) continue;
    if (*wait <= 0) {
      r.diags().error(s.path_of("waitTimeSeconds"),
                      fmt::format("expected a number of seconds above 0, found {}", *wait));
      continue;
    }
    if (!steps.empty() && *wait <= steps.back().wait_seconds) {
      r.diags().error(s.path_of("waitTimeSeconds"),
                      fmt::format("wait times are absolute and must increase: {} follows {}", *wait,
                                  steps.back().wait_seconds));
      continue;
    }
    if (*value < 0 || (whole && *value != std::floor(*value))) {
      r.diags().error(s.path_of("value"), fmt::format("expected a {}number of at least 0, found {}",
                                                      whole ? "whole " : "", *value));
      continue;
    }
    steps.push_back({*wait, *value});
  }
  return steps;
}

void apply_team_expansion(const ObjectReader& r, const Target& t, RuleSet& rs,
                          std::set<const Expandable*>& used) {
  if (t.field != "minPlayers" && t.field != "maxPlayers") {
    r.diags().error(
        r.path_of("target"),
        fmt::format("teams can expand minPlayers or maxPlayers, found \"{}\"", t.field));
    return;
  }
  std::vector<Team*> teams;
  for (const auto& n : t.names) {
    bool found = false;
    for (auto& team : rs.teams) {
      if (n == "*" || team.name == n || team.declared_name == n) {
        teams.push_back(&team);
        found = true;
      }
    }
    if (!found) r.diags().error(r.path_of("target"), fmt::format("unknown team \"{}\"", n));
  }
  auto steps = parse_steps(r, true);
  for (auto* team : teams) {
    Expandable& f = t.field == "minPlayers" ? team->min_players : team->max_players;
    if (!used.insert(&f).second) {
      r.diags().error(r.path_of("target"), fmt::format("team {}'s {} is already expanded by an "
                                                       "earlier expansion",
                                                       team->name, t.field));
      continue;
    }
    for (const auto& s : steps) {
      const bool is_min = t.field == "minPlayers";
      if (is_min && s.value > team->max_players.base) {
        r.diags().error(r.path_of("steps"),
                        fmt::format("minPlayers {} would exceed team {}'s maxPlayers {}", s.value,
                                    team->name, team->max_players.base));
      } else if (!is_min && (s.value < team->min_players.base || s.value < 1)) {
        r.diags().error(r.path_of("steps"),
                        fmt::format("maxPlayers {} would fall below team {}'s minPlayers {}",
                                    s.value, team->name, team->min_players.base));
      }
    }
    f.steps = steps;
  }
}

}  // namespace

void parse_expansions(const json::value& v, RuleSet& rs, Diagnostics& diags) {
  if (!v.is_array()) {
    diags.error("expansions", "expected an array of expansions, found " + describe(v));
    return;
  }
  std::set<const Expandable*> used;
  const auto& arr = v.get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    const auto path = element("expansions", i);
    if (!arr[i].is_object()) {
      diags.error(path, "expected {target, steps}, found " + describe(arr[i]));
      continue;
    }
    ObjectReader r(arr[i].get_object(), path, diags);
    r.warn_unknown_keys({"target", "steps"});
    auto target_text = r.string("target", true);
    if (!target_text) continue;
    auto target = parse_target(*target_text);
    if (!target) {
      diags.error(r.path_of("target"),
                  fmt::format("expected \"rules[<rule>].<property>\" or "
                              "\"teams[<team>, ...].minPlayers\", found \"{}\"",
                              *target_text));
      continue;
    }
    if (target->team) {
      apply_team_expansion(r, *target, rs, used);
    } else {
      int idx = rs.rule_index(target->names[0]);
      if (idx < 0) {
        diags.error(r.path_of("target"), fmt::format("unknown rule \"{}\"", target->names[0]));
        continue;
      }
      std::string why;
      Expandable* f = rule_field(rs.rules[idx], target->field, why);
      if (f == nullptr) {
        diags.error(r.path_of("target"), why);
        continue;
      }
      const bool whole = target->field == "minCount" || target->field == "maxCount";
      auto steps = parse_steps(r, whole);
      if (!used.insert(f).second) {
        diags.error(
            r.path_of("target"),
            fmt::format("\"{}\" is already expanded by an earlier expansion", *target_text));
        continue;
      }
      f->steps = steps;
    }
    Expansion e;
    e.target = *target_text;
    if (const auto* st = r.get("steps"); st && st->is_array()) {
      for (const auto& s : st->get_array()) {
        if (!s.is_object()) continue;
        const auto* w = s.get_object().if_contains("waitTimeSeconds");
        const auto* val = s.get_object().if_contains("value");
        auto wd = w ? lenient_number(*w, nullptr) : std::nullopt;
        auto vd = val ? lenient_number(*val, nullptr) : std::nullopt;
        if (wd && vd) e.steps.push_back({*wd, *vd});
      }
    }
    rs.expansions.push_back(std::move(e));
  }
}

void check_large_match(const json::object& root, const RuleSet& rs, Diagnostics& diags) {
  const std::string why = fmt::format(
      "this is a large match (teams' maxPlayers add up to {}, "
      "more than {})",
      rs.max_match_size(), kLargeMatchThreshold);
  const auto* alg = root.if_contains("algorithm");
  if (alg == nullptr || !alg->is_object()) {
    diags.error("algorithm", why +
                                 ": expected an algorithm with strategy \"balanced\" and a "
                                 "balancedAttribute, found nothing");
  } else if (rs.algorithm.strategy != Strategy::kBalanced) {
    diags.error("algorithm.strategy", why + ": expected \"balanced\"");
  }
  const auto bp = rs.algorithm.batching_preference;
  if (bp == BatchingPreference::kRandom || bp == BatchingPreference::kSorted) {
    if (alg && alg->is_object() && alg->get_object().contains("batchingPreference")) {
      diags.error("algorithm.batchingPreference",
                  why + ": expected \"largestPopulation\" or \"fastestRegion\"");
    }
  }
  const auto* rules = root.if_contains("rules");
  if (rules == nullptr || !rules->is_array()) return;
  const auto& arr = rules->get_array();
  for (size_t i = 0; i < arr.size() && i < rs.rules.size(); ++i) {
    const auto& rule = rs.rules[i];
    const auto path = element("rules", i);
    if (rule.type != RuleType::kLatency && rule.type != RuleType::kBatchDistance) {
      diags.error(path, why + fmt::format(": only batchDistance and latency rules are "
                                          "available, found a {} rule",
                                          rule_type_name(rule.type)));
      continue;
    }
    if (rule.type == RuleType::kLatency && arr[i].is_object()) {
      for (auto key : {"maxDistance", "distanceReference"}) {
        if (arr[i].get_object().contains(key)) {
          diags.error(member(path, key), why + ": latency rules use only maxLatency");
        }
      }
    }
  }
}

}  // namespace sapi::flexmatch::detail
