#include "flexmatch/rule_set_parser.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <set>

#include "flexmatch/json_source.h"
#include "flexmatch/parse_context.h"
#include "flexmatch/rule_set_parser_internal.h"

namespace sapi::flexmatch {
namespace json = boost::json;
using detail::describe;
using detail::Diagnostics;
using detail::element;
using detail::ObjectReader;

namespace {

const json::array* array_at(const json::object& root, std::string_view key, Diagnostics& diags) {
  const auto* v = root.if_contains(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    diags.error(std::string(key), "expected an array, found " + describe(*v));
    return nullptr;
  }
  return &v->get_array();
}

// A default given in the document, in plain JSON form. Numbers written as strings are read
// with a warning, like everywhere else.
AttributeValue parse_default(const json::value& v, AttributeType type, const std::string& path,
                             Diagnostics& diags) {
  if (type == AttributeType::kNumber && v.is_string()) {
    bool was_string = false;
    if (auto d = detail::lenient_number(v, &was_string)) {
      diags.warning(path, fmt::format("a number written as a string ({}); write it as a JSON "
                                      "number",
                                      describe(v)));
      return AttributeValue::number(*d);
    }
  }
  auto r = attribute_from_plain_json(v, type);
  if (!r.ok()) {
    diags.error(path, r.status().message());
    return {};
  }
  return std::move(*r);
}

void parse_attributes(const json::object& root, RuleSet& rs, Diagnostics& diags) {
  const auto* arr = array_at(root, "playerAttributes", diags);
  if (arr == nullptr) return;
  if (arr->size() > kMaxPlayerAttributes) {
    diags.error("playerAttributes",
                fmt::format("at most {} player attributes are allowed, found {}",
                            kMaxPlayerAttributes, arr->size()));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto path = element("playerAttributes", i);
    const auto& v = (*arr)[i];
    if (!v.is_object()) {
      diags.error(path, "expected an object {name, type, default?}, found " + describe(v));
      continue;
    }
    ObjectReader r(v.get_object(), path, diags);
    r.warn_unknown_keys({"name", "type", "default"});
    auto name = r.string("name", true);
    auto type_name =
        r.one_of("type", true, {"string", "number", "string_list", "string_number_map"});
    if (name && name->empty()) diags.error(r.path_of("name"), "must not be empty");
    if (name && !seen.insert(*name).second) {
      diags.error(r.path_of("name"), fmt::format("attribute \"{}\" is declared twice", *name));
    }
    if (!name || !type_name) continue;
    AttributeDecl decl{*name, *parse_attribute_type(*type_name), {}};
    if (const auto* d = r.get("default")) {
      decl.default_value = parse_default(*d, decl.type, r.path_of("default"), diags);
    }
    rs.attributes.push_back(std::move(decl));
  }
}

void add_team(RuleSet& rs, const std::string& name, int copy, int min_players, int max_players) {
  Team t;
  t.declared_name = name;
  t.copy = copy;
  t.name = copy > 0 ? fmt::format("{}_{}", name, copy) : name;
  t.min_players.base = min_players;
  t.max_players.base = max_players;
  rs.teams.push_back(std::move(t));
}

void parse_teams(const json::object& root, RuleSet& rs, Diagnostics& diags) {
  const auto* arr = array_at(root, "teams", diags);
  if (arr == nullptr) {
    if (!root.contains("teams")) diags.error("teams", "required: expected an array of teams");
    return;
  }
  if (arr->empty()) diags.error("teams", "at least one team is required, found none");
  std::set<std::string> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto path = element("teams", i);
    const auto& v = (*arr)[i];
    if (!v.is_object()) {
      diags.error(path, "expected an object {name, minPlayers, maxPlayers, quantity?}, found " +
                            describe(v));
      continue;
    }
    ObjectReader r(v.get_object(), path, diags);
    r.warn_unknown_keys({"name", "minPlayers", "maxPlayers", "quantity"});
    auto name = r.string("name", true);
    auto max_p = r.integer("maxPlayers", true, 1, kMaxMatchPlayers);
    auto min_p = r.integer("minPlayers", true, 0, kMaxMatchPlayers);
    auto quantity = r.integer("quantity", false, 1, kMaxMatchPlayers);
    if (name && name->empty()) diags.error(r.path_of("name"), "must not be empty");
    if (min_p && max_p && *min_p > *max_p) {
      diags.error(r.path_of("minPlayers"),
                  fmt::format("minPlayers {} is larger than maxPlayers {}", *min_p, *max_p));
    }
    if (!name || !min_p || !max_p) continue;
    const int q = quantity.value_or(1);
    for (int c = 1; c <= q; ++c) {
      const int copy = q > 1 ? c : 0;
      std::string full = copy > 0 ? fmt::format("{}_{}", *name, copy) : *name;
      if (!seen.insert(full).second) {
        diags.error(r.path_of("name"), fmt::format("team name \"{}\" is used twice{}", full,
                                                   copy > 0 ? " (teams with quantity are "
                                                              "named <name>_1, <name>_2, ...)"
                                                            : ""));
      }
      add_team(rs, *name, copy, *min_p, *max_p);
    }
  }
  if (rs.max_match_size() > kMaxMatchPlayers) {
    diags.error("teams", fmt::format("a match holds at most {} players; the teams' maxPlayers "
                                     "add up to {}",
                                     kMaxMatchPlayers, rs.max_match_size()));
  }
}

int attribute_ref(const ObjectReader& r, const RuleSet& rs, const std::string& path,
                  const std::string& name, std::initializer_list<AttributeType> types) {
  int idx = rs.attribute_index(name);
  if (idx < 0) {
    r.diags().error(path, fmt::format("unknown player attribute \"{}\" (declare it in "
                                      "playerAttributes)",
                                      name));
    return -1;
  }
  for (auto t : types) {
    if (rs.attributes[idx].type == t) return idx;
  }
  std::string allowed;
  for (auto t : types)
    allowed += (allowed.empty() ? "" : " or ") + std::string(attribute_type_name(t));
  r.diags().error(path, fmt::format("attribute \"{}\" has type {}; expected {}", name,
                                    attribute_type_name(rs.attributes[idx].type), allowed));
  return -1;
}

void parse_algorithm(const json::object& root, RuleSet& rs, Diagnostics& diags) {
  auto& alg = rs.algorithm;
  const auto* v = root.if_contains("algorithm");
  const bool large = rs.is_large_match();
  if (v == nullptr) {
    if (large) alg.strategy = Strategy::kBalanced;  // so that later checks speak of what's missing
    return;
  }
  if (!v->is_object()) {
    diags.error("algorithm", "expected an object, found " + describe(*v));
    return;
  }
  ObjectReader r(v->get_object(), "algorithm", diags);
  r.warn_unknown_keys({"strategy", "batchingPreference", "sortByAttributes", "balancedAttribute",
                       "backfillPriority", "expansionAgeSelection"});
  if (auto s = r.one_of("strategy", false, {"exhaustiveSearch", "balanced"})) {
    alg.strategy = *s == "balanced" ? Strategy::kBalanced : Strategy::kExhaustiveSearch;
  }
  alg.batching_preference = alg.strategy == Strategy::kBalanced
                                ? BatchingPreference::kLargestPopulation
                                : BatchingPreference::kRandom;
  if (auto b = r.one_of("batchingPreference", false,
                        {"random", "sorted", "largestPopulation", "fastestRegion"})) {
    alg.batching_preference = *b == "random"              ? BatchingPreference::kRandom
                              : *b == "sorted"            ? BatchingPreference::kSorted
                              : *b == "largestPopulation" ? BatchingPreference::kLargestPopulation
                                                          : BatchingPreference::kFastestRegion;
  }
  if (const auto* sv = r.get("sortByAttributes")) {
    if (!sv->is_array() || sv->get_array().empty()) {
      diags.error(r.path_of("sortByAttributes"),
                  "expected a non-empty array of attribute names, found " + describe(*sv));
    } else {
      const auto& arr = sv->get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        auto p = element(r.path_of("sortByAttributes"), i);
        if (!arr[i].is_string()) {
          diags.error(p, "expected an attribute name, found " + describe(arr[i]));
          continue;
        }
        int idx = attribute_ref(r, rs, p, std::string(arr[i].get_string()),
                                {AttributeType::kNumber, AttributeType::kString});
        if (idx >= 0) alg.sort_by_attributes.push_back(idx);
      }
    }
    if (alg.batching_preference != BatchingPreference::kSorted) {
      diags.warning(r.path_of("sortByAttributes"),
                    "used only with batchingPreference \"sorted\"; ignored");
    }
  } else if (alg.batching_preference == BatchingPreference::kSorted) {
    diags.error(r.path_of("sortByAttributes"),
                "required with batchingPreference \"sorted\": expected an array of attribute "
                "names, found nothing");
  }
  if (auto b = r.string("balancedAttribute", false)) {
    alg.balanced_attribute =
        attribute_ref(r, rs, r.path_of("balancedAttribute"), *b, {AttributeType::kNumber});
    if (alg.strategy != Strategy::kBalanced) {
      diags.warning(r.path_of("balancedAttribute"),
                    "used only with strategy \"balanced\"; ignored");
    }
  } else if (alg.strategy == Strategy::kBalanced) {
    diags.error(r.path_of("balancedAttribute"),
                "required with strategy \"balanced\": expected the name of a number attribute, "
                "found nothing");
  }
  if (auto b = r.one_of("backfillPriority", false, {"normal", "high", "low"})) {
    alg.backfill_priority = *b == "high"  ? BackfillPriority::kHigh
                            : *b == "low" ? BackfillPriority::kLow
                                          : BackfillPriority::kNormal;
  }
  if (auto e = r.one_of("expansionAgeSelection", false, {"newest", "oldest"})) {
    alg.expansion_age_selection =
        *e == "oldest" ? ExpansionAgeSelection::kOldest : ExpansionAgeSelection::kNewest;
  }
  if (!large && alg.strategy == Strategy::kBalanced) {
    diags.warning(r.path_of("strategy"),
                  fmt::format("\"balanced\" is documented for large matches (more than {} "
                              "players); this match holds at most {}. Accepted: teams are "
                              "filled and balanced as for large matches",
                              kLargeMatchThreshold, rs.max_match_size()));
  }
  if (!large && alg.strategy == Strategy::kExhaustiveSearch &&
      (alg.batching_preference == BatchingPreference::kLargestPopulation ||
       alg.batching_preference == BatchingPreference::kFastestRegion)) {
    diags.warning(r.path_of("batchingPreference"),
                  "\"largestPopulation\" and \"fastestRegion\" are documented for the balanced "
                  "strategy; with exhaustiveSearch, use \"random\" or \"sorted\"");
  }
}

}  // namespace

ParseOutcome parse_rule_set(std::string_view body) {
  Diagnostics diags;
  ParseOutcome out;
  if (body.size() > kMaxRuleSetBodyChars) {
    diags.error("", fmt::format("the rule set has {} characters; at most {} are allowed",
                                body.size(), kMaxRuleSetBodyChars));
  }
  auto doc = detail::load_json(body, diags);
  if (!doc) {
    out.diagnostics = diags.take();
    return out;
  }
  if (!doc->is_object()) {
    diags.error("", "expected a JSON object, found " + describe(*doc));
    out.diagnostics = diags.take();
    return out;
  }
  const auto& root = doc->get_object();
  RuleSet rs;
  try {
    ObjectReader r(root, "", diags);
    r.warn_unknown_keys({"name", "ruleLanguageVersion", "playerAttributes", "algorithm", "teams",
                         "rules", "expansions"});
    if (auto n = r.string("name", false)) rs.name = *n;
    if (auto v = r.one_of("ruleLanguageVersion", true, {"1.0"})) rs.rule_language_version = *v;
    parse_attributes(root, rs, diags);
    parse_teams(root, rs, diags);
    parse_algorithm(root, rs, diags);
    if (const auto* rules = root.if_contains("rules")) detail::parse_rules(*rules, rs, diags);
    if (const auto* ex = root.if_contains("expansions")) {
      detail::parse_expansions(*ex, rs, diags);
    }
    if (rs.is_large_match()) detail::check_large_match(root, rs, diags);
  } catch (const std::exception& e) {
    // Library exceptions (allocation, Boost.JSON accessors) must not escape: untrusted input.
    diags.error("", fmt::format("could not read the rule set: {}", e.what()));
  }
  if (!diags.has_errors()) out.rule_set = std::move(rs);
  out.diagnostics = diags.take();
  return out;
}

}  // namespace sapi::flexmatch
