#pragma once

// Property expressions from text: `max(avg(teams[*].players.attributes[skill]))`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flexmatch/expression.h"
#include "flexmatch/rule_set.h"

namespace sapi::flexmatch {

struct ExpressionParse {
  std::optional<Expr> expr;           // set when there is no error
  std::string error;                  // what is wrong and where (character position)
  std::vector<std::string> warnings;  // accepted, but AWS would refuse
};

// Compiles `text` against the attributes and teams of `rs` (which must already be filled),
// resolving names to indices and computing each node's Shape. Type errors (`avg` of strings,
// `set_intersection` of numbers) are reported here.
ExpressionParse parse_expression(std::string_view text, const RuleSet& rs);

// Whether a referenceValue string is meant as an expression (it starts with `teams[` or with
// a function call) rather than a string literal such as "Classic".
bool looks_like_expression(std::string_view text);

}  // namespace sapi::flexmatch
