#pragma once

// Internal to the rule-set parser: the parts that read `rules` and `expansions`.

#include <boost/json/value.hpp>

#include "flexmatch/parse_context.h"
#include "flexmatch/rule_set.h"

namespace sapi::flexmatch::detail {

// Reads `rules` into rs.rules; attributes and teams must already be in rs.
void parse_rules(const boost::json::value& rules, RuleSet& rs, Diagnostics& diags);

// Reads `expansions` and folds their steps into the targeted fields of rs.
void parse_expansions(const boost::json::value& expansions, RuleSet& rs, Diagnostics& diags);

// Errors for whatever a large match (more than 40 players) may not use.
void check_large_match(const boost::json::object& root, const RuleSet& rs, Diagnostics& diags);

}  // namespace sapi::flexmatch::detail
