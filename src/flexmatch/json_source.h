#pragma once

// Internal to the rule-set parser: turning the body into a JSON value, tolerating what the
// AWS API refuses but people write (comments) and noticing what JSON parsers silently drop
// (duplicate keys), each with a warning.

#include <boost/json/value.hpp>
#include <optional>
#include <string_view>

#include "flexmatch/parse_context.h"

namespace sapi::flexmatch::detail {

// The parsed document, or nullopt after reporting why it is not JSON (with line and column).
std::optional<boost::json::value> load_json(std::string_view body, Diagnostics& diags);

}  // namespace sapi::flexmatch::detail
