#pragma once

// The parsed, validated model of a FlexMatch rule set. Produced by parse_rule_set()
// (rule_set_parser.h); immutable afterwards. Everything the builders touch per evaluation is
// resolved to indices: attributes, teams and rules are referred to by position.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flexmatch/attribute.h"
#include "flexmatch/expression.h"

namespace sapi::flexmatch {

inline constexpr size_t kMaxRuleSetBodyChars = 65535;
inline constexpr size_t kMaxPlayerAttributes = 10;
inline constexpr int kLargeMatchThreshold = 40;  // a match above 40 players is large
inline constexpr int kMaxMatchPlayers = 200;

struct AttributeDecl {
  std::string name;
  AttributeType type = AttributeType::kNumber;
  AttributeValue default_value;  // absent when the declaration has no default
};

struct ExpansionStep {
  double wait_seconds = 0;
  double value = 0;
};

// A numeric property that expansions may relax with time: `base` until the first step's
// wait time is reached, then each step's value from its wait time on (inclusive: at exactly
// 45 s a 45 s step applies).
struct Expandable {
  double base = 0;
  std::vector<ExpansionStep> steps;  // strictly increasing wait_seconds

  double at(double age_seconds) const {
    double v = base;
    for (const auto& s : steps) {
      if (age_seconds < s.wait_seconds) break;
      v = s.value;
    }
    return v;
  }
  bool expands() const { return !steps.empty(); }
};

struct Team {
  // The name used in matches and matchmaker data. A team declared with quantity > 1 becomes
  // copies named `<declared>_1`, `<declared>_2`, ...; otherwise it is the declared name.
  std::string name;
  std::string declared_name;  // the name in the rule set; selectors may use either
  int copy = 0;               // 1-based copy number, 0 for a team without quantity
  Expandable min_players;
  Expandable max_players;
};

enum class Strategy : uint8_t { kExhaustiveSearch, kBalanced };
enum class BatchingPreference : uint8_t { kRandom, kSorted, kLargestPopulation, kFastestRegion };
enum class BackfillPriority : uint8_t { kNormal, kHigh, kLow };
enum class ExpansionAgeSelection : uint8_t { kNewest, kOldest };

struct Algorithm {
  Strategy strategy = Strategy::kExhaustiveSearch;
  BatchingPreference batching_preference = BatchingPreference::kRandom;
  std::vector<int> sort_by_attributes;  // attribute indices, for kSorted
  int balanced_attribute = -1;          // attribute index (number), for kBalanced
  BackfillPriority backfill_priority = BackfillPriority::kNormal;
  ExpansionAgeSelection expansion_age_selection = ExpansionAgeSelection::kNewest;
};

enum class RuleType : uint8_t {
  kBatchDistance,
  kComparison,
  kDistance,
  kCollection,
  kLatency,
  kAbsoluteSort,
  kDistanceSort,
  kCompound,
};
std::string_view rule_type_name(RuleType t);  // as spelled in rule sets: "batchDistance", ...

// How a party's values are combined into one per ticket. In this engine it orders candidates
// (sort rules, sorted batching, batchDistance batching) and never decides whether a rule
// passes: every player of every ticket must pass on their own (docs/flexmatch.md).
enum class PartyAggregation : uint8_t { kAvg, kMin, kMax, kUnion, kIntersection };
enum class ComparisonOp : uint8_t { kLess, kLessEqual, kEqual, kNotEqual, kGreater, kGreaterEqual };
enum class CollectionOp : uint8_t { kIntersection, kContains, kReferenceIntersectionCount };
enum class SortDirection : uint8_t { kAscending, kDescending };
enum class MapKey : uint8_t { kNone, kMinValue, kMaxValue };
enum class DistanceReference : uint8_t { kMin, kAvg };

// `referenceValue`: a number literal (expandable), a string literal, or an expression.
struct ReferenceValue {
  enum class Kind : uint8_t { kNumber, kString, kExpression };
  Kind kind = Kind::kNumber;
  Expandable number;
  std::string text;
  PropertyExpression expression;
};

// A compound rule's statement: `or(and(A, B), not(C))`.
struct Statement {
  enum class Op : uint8_t { kRule, kAnd, kOr, kNot, kXor };
  Op op = Op::kRule;
  int rule = -1;  // index into RuleSet::rules for kRule
  std::vector<Statement> args;
};

// One rule. A tagged struct rather than a variant so that builders can switch on `type` and
// read fields directly; fields a type does not use keep their defaults.
struct Rule {
  std::string name;
  std::string description;
  RuleType type = RuleType::kComparison;
  PartyAggregation party_aggregation = PartyAggregation::kAvg;

  // batchDistance
  int batch_attribute = -1;

  // comparison, distance, collection
  std::vector<PropertyExpression> measurements;
  std::optional<ReferenceValue> reference;
  ComparisonOp comparison_op = ComparisonOp::kEqual;
  CollectionOp collection_op = CollectionOp::kIntersection;

  // distance (min/max), batchDistance (max), latency (max), collection (counts)
  std::optional<Expandable> min_distance;
  std::optional<Expandable> max_distance;
  std::optional<Expandable> min_count;
  std::optional<Expandable> max_count;

  // latency
  std::optional<Expandable> max_latency;
  DistanceReference distance_reference = DistanceReference::kMin;

  // absoluteSort, distanceSort
  SortDirection sort_direction = SortDirection::kAscending;
  int sort_attribute = -1;
  MapKey map_key = MapKey::kNone;

  // compound
  Statement statement;

  // False for a rule referenced by a compound rule: it is then enforced only through it.
  bool enforced_directly = true;

  bool is_sort() const {
    return type == RuleType::kAbsoluteSort || type == RuleType::kDistanceSort;
  }
};

// An expansion as written, kept for reports; its steps are also folded into the targeted
// Expandable fields above.
struct Expansion {
  std::string target;  // e.g. "rules[FastConnection].maxLatency"
  std::vector<ExpansionStep> steps;
};

struct RuleSet {
  std::string name;
  std::string rule_language_version = "1.0";
  std::vector<AttributeDecl> attributes;
  std::vector<Team> teams;  // after quantity expansion, in declaration order
  Algorithm algorithm;
  std::vector<Rule> rules;
  std::vector<Expansion> expansions;

  // Look-ups by name; -1 when unknown. team_index takes a team's full name (`trio_2`).
  int attribute_index(std::string_view name) const;
  int team_index(std::string_view name) const;
  int rule_index(std::string_view name) const;

  // Sum of the teams' maxPlayers before expansions.
  int max_match_size() const;
  // More than 40 players: the large-match algorithm and restrictions apply.
  bool is_large_match() const { return max_match_size() > kLargeMatchThreshold; }
  // Whether any rule is a latency rule (tickets then need latency data to match).
  bool has_latency_rule() const;
  // The expansion clock of a potential match from the ages of its tickets: the newest
  // ticket's age (the smallest), or the oldest's with expansionAgeSelection "oldest".
  double expansion_age(const std::vector<double>& ticket_ages) const;
  // A team's bounds at an expansion age.
  int min_players(int team, double age) const;
  int max_players(int team, double age) const;
};

}  // namespace sapi::flexmatch
