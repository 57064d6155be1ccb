#pragma once

// Internal to rule evaluation: property-expression values and their evaluation.

#include <string_view>
#include <vector>

#include "flexmatch/expression.h"
#include "flexmatch/rule_eval.h"

namespace sapi::flexmatch::detail {

// A value while evaluating: a scalar, a list, an opaque team/player/map, or nothing (an
// aggregate of an empty list, an absent attribute). Strings are views into the players, the
// rule set or the expression, all of which outlive an evaluation.
struct Val {
  enum class Kind : uint8_t { kNone, kNumber, kString, kList, kOpaque };
  Kind kind = Kind::kNone;
  double number = 0;
  std::string_view str;
  std::vector<Val> items;

  static Val num(double d) { return {Kind::kNumber, d, {}, {}}; }
  static Val text(std::string_view s) { return {Kind::kString, 0, s, {}}; }
  static Val list() { return {Kind::kList, 0, {}, {}}; }
};

Val evaluate(const Expr& e, const TeamPlayers& teams);

// The values found `depth` list levels below `v` (depth 0: v itself), skipping kNone.
void values_at(const Val& v, int depth, std::vector<const Val*>& out);

// "12.5", "\"Classic\"", "[1, 2]" for messages.
std::string render(const Val& v);

}  // namespace sapi::flexmatch::detail
