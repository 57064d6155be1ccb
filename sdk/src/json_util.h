#pragma once

// Reading the service's JSON answers (internal; Boost.JSON stays inside the library).

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "session_api/player_client.h"
#include "session_api/result.h"
#include "transport.h"

namespace session_api::json_util {

namespace json = boost::json;

inline std::string str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

inline std::optional<int64_t> integer(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return std::nullopt;
}

inline const json::array* array(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

inline const json::object* object(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

json::value attribute_json(const AttributeValue& a);
json::object attributes_json(const Attributes& attributes);
json::object latencies_json(const Latencies& latencies);

// The answer's JSON object when the call succeeded (2xx with an object body), else the Error
// (the service's code and message, or a transport error).
Result<json::object> parse_answer(const HttpResponse& response);

// Shorthand: converts an answer with `read`, which fills T from the object.
template <typename T, typename Read>
Result<T> convert(const HttpResponse& response, Read read) {
  auto parsed = parse_answer(response);
  if (!parsed.ok()) return parsed.error();
  T value;
  read(parsed.value(), value);
  return Result<T>(std::move(value), response.status);
}

}  // namespace session_api::json_util
