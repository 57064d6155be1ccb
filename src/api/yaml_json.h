#pragma once

// YAML documents as JSON, for documents written in YAML and served as JSON (the OpenAPI
// document).

#include <string>
#include <string_view>

#include "base/result.h"

namespace sapi::api {

// Converts the first YAML document of `yaml` to compact JSON text. Plain scalars are typed by
// YAML 1.2's core schema (null, true/false, integers, floats; anything else is a string);
// quoted and block scalars are strings; mapping keys must be scalars and unique. Malformed
// YAML, a value JSON cannot hold (.inf, .nan), an unknown tag or nesting deeper than 64 is a
// kInvalidArgument naming the line where the parser said.
Result<std::string> yaml_to_json(std::string_view yaml);

}  // namespace sapi::api
