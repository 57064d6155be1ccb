#pragma once

// Request bodies as JSON objects, with limits: anything malformed, too big or too deep is a
// kInvalidArgument (400 INVALID_REQUEST through api/error.h) with a message saying which,
// never a crash and never a 500.

#include <boost/json/object.hpp>
#include <cstddef>
#include <string_view>

#include "base/result.h"

namespace sapi::api {

struct JsonLimits {
  std::size_t max_depth = 32;     // server.max_json_depth
  std::size_t max_bytes = 65536;  // server.max_body_bytes
};

// Parses `body` as one JSON object, its values allocated from `storage` (the default heap
// when empty; a caller may pass a monotonic resource on its stack to parse without
// allocating, and must then keep the resource alive as long as the object).
Result<boost::json::object> parse_json_object(std::string_view body, const JsonLimits& limits,
                                              boost::json::storage_ptr storage = {});

}  // namespace sapi::api
