#include "flexmatch/rule_set.h"

#include <algorithm>
#include <cmath>

namespace sapi::flexmatch {

std::string_view rule_type_name(RuleType t) {
  switch (t) {
    case RuleType::kBatchDistance:
      return "batchDistance";
    case RuleType::kComparison:
      return "comparison";
    case RuleType::kDistance:
      return "distance";
    case RuleType::kCollection:
      return "collection";
    case RuleType::kLatency:
      return "latency";
    case RuleType::kAbsoluteSort:
      return "absoluteSort";
    case RuleType::kDistanceSort:
      return "distanceSort";
    case RuleType::kCompound:
      return "compound";
  }
  return "?";
}

int RuleSet::attribute_index(std::string_view name) const {
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int RuleSet::team_index(std::string_view name) const {
  for (size_t i = 0; i < teams.size(); ++i) {
    if (teams[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int RuleSet::rule_index(std::string_view name) const {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int RuleSet::max_match_size() const {
  int total = 0;
  for (const auto& t : teams) total += static_cast<int>(t.max_players.base);
  return total;
}

bool RuleSet::has_latency_rule() const {
  return std::any_of(rules.begin(), rules.end(),
                     [](const Rule& r) { return r.type == RuleType::kLatency; });
}

double RuleSet::expansion_age(const std::vector<double>& ticket_ages) const {
  if (ticket_ages.empty()) return 0;
  if (algorithm.expansion_age_selection == ExpansionAgeSelection::kOldest) {
    return *std::max_element(ticket_ages.begin(), ticket_ages.end());
  }
  return *std::min_element(ticket_ages.begin(), ticket_ages.end());
}

// Player counts are whole; an expanded value is taken as written (validation keeps them
// integral), rounding only guards against a stray 2.9999.
int RuleSet::min_players(int team, double age) const {
  return static_cast<int>(std::lround(teams[team].min_players.at(age)));
}

int RuleSet::max_players(int team, double age) const {
  return static_cast<int>(std::lround(teams[team].max_players.at(age)));
}

}  // namespace sapi::flexmatch
