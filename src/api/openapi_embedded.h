#pragma once

// docs/openapi.yaml, embedded by src/api/CMakeLists.txt into a generated source file.

#include <string_view>

namespace sapi::api {

std::string_view embedded_openapi_yaml();

}  // namespace sapi::api
