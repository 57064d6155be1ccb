#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "base/result.h"

namespace sapi::auth {

// Parses a JSON object strictly for token headers, payloads and key sets: the text must be
// one JSON object (not an array, string or number), valid UTF-8, without comments or
// trailing commas, and no object at any depth may repeat a key (RFC 7515 section 5.2 lets
// a verifier reject duplicates; different parsers keep different copies, which is how
// claims get smuggled past one checker and read by another). Depth is capped.
Result<boost::json::object> parse_json_object_strict(std::string_view text);

}  // namespace sapi::auth
