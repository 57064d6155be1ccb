#include "flexmatch/attribute.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace sapi::flexmatch {
namespace json = boost::json;

std::string_view attribute_type_name(AttributeType type) {
  switch (type) {
    case AttributeType::kString:
      return "string";
    case AttributeType::kNumber:
      return "number";
    case AttributeType::kStringList:
      return "string_list";
    case AttributeType::kStringNumberMap:
      return "string_number_map";
  }
  return "?";
}

std::optional<AttributeType> parse_attribute_type(std::string_view name) {
  for (auto t : {AttributeType::kString, AttributeType::kNumber, AttributeType::kStringList,
                 AttributeType::kStringNumberMap}) {
    if (attribute_type_name(t) == name) return t;
  }
  return std::nullopt;
}

AttributeValue AttributeValue::string_list(StringList v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return AttributeValue(Storage(std::move(v)));
}

AttributeValue AttributeValue::string_number_map(StringNumberMap v) {
  // Stable so that "last one wins" is well defined for duplicate keys.
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  StringNumberMap out;
  for (auto& kv : v) {
    if (!out.empty() && out.back().first == kv.first) {
      out.back().second = kv.second;
    } else {
      out.push_back(std::move(kv));
    }
  }
  return AttributeValue(Storage(std::move(out)));
}

AttributeType AttributeValue::type() const {
  switch (v_.index()) {
    case 1:
      return AttributeType::kNumber;
    case 2:
      return AttributeType::kString;
    case 3:
      return AttributeType::kStringList;
    case 4:
      return AttributeType::kStringNumberMap;
  }
  assert(false && "type() of an absent attribute value");
  return AttributeType::kNumber;
}

std::optional<double> AttributeValue::map_value(std::string_view key) const {
  const auto* m = std::get_if<StringNumberMap>(&v_);
  if (m == nullptr) return std::nullopt;
  auto it = std::lower_bound(m->begin(), m->end(), key,
                             [](const auto& kv, std::string_view k) { return kv.first < k; });
  if (it == m->end() || it->first != key) return std::nullopt;
  return it->second;
}

namespace {

// A short rendering of what was found, for error messages.
std::string found(const json::value& v) {
  std::string s = json::serialize(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

Status type_error(std::string_view expected, AttributeType type, const json::value& v) {
  return invalid_argument(fmt::format("expected {} for a {} attribute, found {}", expected,
                                      attribute_type_name(type), found(v)));
}

Result<std::string> bounded_string(const json::value& v, std::string_view what) {
  if (!v.is_string()) {
    return invalid_argument(fmt::format("expected {} to be a string, found {}", what, found(v)));
  }
  const auto& s = v.get_string();
  if (s.empty() || s.size() > kMaxAttributeStringChars) {
    return invalid_argument(fmt::format("{} must have 1 to {} characters, found {}", what,
                                        kMaxAttributeStringChars, s.size()));
  }
  return std::string(s);
}

Result<double> finite_number(const json::value& v, std::string_view what) {
  if (!v.is_number()) {
    return invalid_argument(fmt::format("expected {} to be a number, found {}", what, found(v)));
  }
  double d = v.to_number<double>();
  if (!std::isfinite(d)) return invalid_argument(fmt::format("{} is not a finite number", what));
  return d;
}

Result<AttributeValue> decode_list(const json::value& v) {
  const auto& arr = v.get_array();
  if (arr.size() > kMaxStringListItems) {
    return invalid_argument(fmt::format("a string_list holds at most {} strings, found {}",
                                        kMaxStringListItems, arr.size()));
  }
  StringList out;
  out.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    auto s = bounded_string(arr[i], fmt::format("item {}", i));
    if (!s.ok()) return s.status();
    out.push_back(std::move(*s));
  }
  return AttributeValue::string_list(std::move(out));
}

Result<AttributeValue> decode_map(const json::value& v) {
  const auto& obj = v.get_object();
  if (obj.size() > kMaxStringNumberMapPairs) {
    return invalid_argument(fmt::format("a string_number_map holds at most {} pairs, found {}",
                                        kMaxStringNumberMapPairs, obj.size()));
  }
  StringNumberMap out;
  for (const auto& kv : obj) {
    std::string key(kv.key());
    if (key.empty() || key.size() > kMaxAttributeStringChars) {
      return invalid_argument(fmt::format("map keys must have 1 to {} characters, found \"{}\"",
                                          kMaxAttributeStringChars, key));
    }
    auto d = finite_number(kv.value(), fmt::format("the value of \"{}\"", key));
    if (!d.ok()) return d.status();
    out.emplace_back(std::move(key), *d);
  }
  return AttributeValue::string_number_map(std::move(out));
}

}  // namespace

Result<AttributeValue> attribute_from_plain_json(const json::value& v, AttributeType type) {
  switch (type) {
    case AttributeType::kNumber: {
      if (!v.is_number()) return type_error("a number", type, v);
      auto d = finite_number(v, "the value");
      if (!d.ok()) return d.status();
      return AttributeValue::number(*d);
    }
    case AttributeType::kString: {
      if (!v.is_string()) return type_error("a string", type, v);
      auto s = bounded_string(v, "the value");
      if (!s.ok()) return s.status();
      return AttributeValue::string(std::move(*s));
    }
    case AttributeType::kStringList:
      if (!v.is_array()) return type_error("a list of strings", type, v);
      return decode_list(v);
    case AttributeType::kStringNumberMap:
      if (!v.is_object()) return type_error("an object of string to number", type, v);
      return decode_map(v);
  }
  return internal_error("unknown attribute type");
}

Result<AttributeValue> attribute_from_gamelift(const json::value& v, AttributeType type) {
  static constexpr std::string_view kKeys[] = {"S", "N", "SL", "SDM"};
  const std::string_view want = kKeys[static_cast<int>(type)];
  const std::string_view shape[] = {"{\"S\": string}", "{\"N\": number}", "{\"SL\": [strings]}",
                                    "{\"SDM\": {string: number}}"};
  const auto expected = shape[static_cast<int>(type)];
  if (!v.is_object() || v.get_object().size() != 1) return type_error(expected, type, v);
  const auto& obj = v.get_object();
  const auto* inner = obj.if_contains(want);
  if (inner == nullptr) return type_error(expected, type, v);
  switch (type) {
    case AttributeType::kNumber:
      // GameLift's JSON protocol carries N as a JSON number.
      if (!inner->is_number()) return type_error(expected, type, v);
      break;
    case AttributeType::kString:
      if (!inner->is_string()) return type_error(expected, type, v);
      break;
    case AttributeType::kStringList:
      if (!inner->is_array()) return type_error(expected, type, v);
      break;
    case AttributeType::kStringNumberMap:
      if (!inner->is_object()) return type_error(expected, type, v);
      break;
  }
  return attribute_from_plain_json(*inner, type);
}

json::value attribute_to_plain_json(const AttributeValue& v) {
  switch (v.storage().index()) {
    case 1:
      return v.as_number();
    case 2:
      return json::string(v.as_string());
    case 3: {
      json::array a;
      for (const auto& s : v.as_string_list()) a.emplace_back(s);
      return a;
    }
    case 4: {
      json::object o;
      for (const auto& [k, d] : v.as_string_number_map()) o[k] = d;
      return o;
    }
  }
  return nullptr;
}

json::value attribute_to_gamelift(const AttributeValue& v) {
  if (!v.present()) return nullptr;
  static constexpr std::string_view kKeys[] = {"S", "N", "SL", "SDM"};
  json::object o;
  o[kKeys[static_cast<int>(v.type())]] = attribute_to_plain_json(v);
  return o;
}

}  // namespace sapi::flexmatch
