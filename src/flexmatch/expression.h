#pragma once

// Compiled property expressions: `avg(teams[*].players.attributes[skill])` and friends.
// Parsing happens once per rule set (see rule_set_parser.h); evaluation (rule_eval.h) walks
// this small tree with team and attribute indices resolved, never names.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sapi::flexmatch {

// The functions of the expression language. All but flatten reduce the innermost list level;
// applied to a list of lists they work per sublist (`avg(teams[*].players.attributes[s])` is
// one average per team). flatten removes the outermost level instead.
enum class Function : uint8_t {
  kMin,
  kMax,
  kAvg,
  kMedian,
  kSum,
  kStddev,  // population standard deviation
  kCount,
  kFlatten,
  kSetIntersection,  // list of string lists -> the strings common to all of them
};
std::string_view function_name(Function f);

// What an expression yields, known statically: the kind of its leaves and how deeply they are
// nested in lists. A string_list attribute is a list of strings, so its leaves are strings
// one level deeper. `teams[*].players.attributes[skill]` is {kNumber, 2}.
enum class LeafKind : uint8_t { kNumber, kString, kStringNumberMap, kPlayer, kTeam };
struct Shape {
  LeafKind leaf = LeafKind::kNumber;
  int depth = 0;
  bool operator==(const Shape&) const = default;
};
// "number", "list of numbers", "list of lists of strings", ...
std::string describe_shape(Shape s);

struct Expr {
  enum class Kind : uint8_t {
    kNumber,     // literal
    kString,     // literal
    kTeams,      // teams[...]
    kPlayers,    // teams[...].players
    kAttribute,  // teams[...].players.attributes[name]
    kPlayerId,   // teams[...].players[playerId]
    kCall,       // function(arg)
  };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::string text;  // string literal
  // Selected teams as indices into RuleSet::teams, in the order the selector names them.
  std::vector<int> teams;
  // True when the selector yields one list per team (`teams[*]`, `teams[a,b]`, or a team
  // declared with quantity > 1); false for one named team, which yields its list directly.
  bool per_team = false;
  int attribute = -1;  // index into RuleSet::attributes for kAttribute
  Function function = Function::kCount;
  std::vector<Expr> args;  // exactly one for kCall
  Shape shape;
};

struct PropertyExpression {
  std::string source;  // as written in the rule set, for messages
  Expr root;
};

}  // namespace sapi::flexmatch
