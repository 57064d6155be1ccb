#include "api/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <optional>

namespace sapi::api {
namespace {

namespace json = boost::json;

constexpr int kMaxDepth = 64;
constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

bool all_of(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::optional<json::value> parse_integer(std::string_view s, int base) {
  bool negative = !s.empty() && s.front() == '-';
  std::string_view digits = (negative || (!s.empty() && s.front() == '+')) ? s.substr(1) : s;
  if (base == 10 && !all_of(digits, is_digit)) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (end != digits.data() + digits.size()) return std::nullopt;
  if (ec == std::errc() && !negative && magnitude <= INT64_MAX) {
    return json::value(static_cast<std::int64_t>(magnitude));
  }
  if (ec == std::errc() && negative && magnitude <= std::uint64_t{INT64_MAX} + 1) {
    return json::value(static_cast<std::int64_t>(0 - magnitude));
  }
  // Too big for 64 bits: a double, as JSON parsers would read it.
  double d = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), d);
  return json::value(negative ? -d : d);
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_core_float(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!all_of(s.substr(std::min(i, s.size())), is_digit)) return false;
    i = s.size();
  }
  return i == s.size();
}

// A plain scalar as YAML 1.2's core schema reads it.
Result<json::value> plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return json::value();
  if (s == "true" || s == "True" || s == "TRUE") return json::value(true);
  if (s == "false" || s == "False" || s == "FALSE") return json::value(false);
  std::string_view v = s;
  if (v.starts_with("0x") && all_of(v.substr(2), is_hex)) return *parse_integer(v.substr(2), 16);
  if (v.starts_with("0o") && all_of(v.substr(2), is_octal)) return *parse_integer(v.substr(2), 8);
  if (auto integer = parse_integer(v, 10)) return *integer;
  if (is_core_float(v)) {
    std::string_view digits = v.front() == '+' ? v.substr(1) : v;
    double d = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), d);
    return json::value(d);
  }
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  if (lower == ".inf" || lower == "-.inf" || lower == "+.inf" || lower == ".nan") {
    return invalid_argument(s + " has no JSON form");
  }
  return json::value(s);
}

std::string where(const YAML::Node& node) {
  return "line " + std::to_string(node.Mark().line + 1) + ": ";
}

Result<json::value> scalar(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == "!" || tag == std::string(kCoreTag) + "str") return json::value(text);
  if (tag == "?" || tag.empty()) return plain_scalar(text);
  if (tag.starts_with(kCoreTag)) {
    std::string_view kind = std::string_view(tag).substr(kCoreTag.size());
    auto value = plain_scalar(text);
    if (!value.ok()) return value;
    bool fits = (kind == "null" && value->is_null()) || (kind == "bool" && value->is_bool()) ||
                (kind == "int" && value->is_int64()) ||
                (kind == "float" && (value->is_double() || value->is_int64()));
    if (fits) return kind == "float" ? json::value(value->to_number<double>()) : *value;
    return invalid_argument("'" + text + "' is not a " + std::string(kind));
  }
  return invalid_argument("unsupported tag " + tag);
}

Result<json::value> convert(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) return invalid_argument(where(node) + "nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return json::value();
    case YAML::NodeType::Scalar: {
      auto value = scalar(node);
      if (!value.ok()) return invalid_argument(where(node) + value.status().message());
      return value;
    }
    case YAML::NodeType::Sequence: {
      json::array array;
      for (const YAML::Node& item : node) {
        auto value = convert(item, depth + 1);
        if (!value.ok()) return value;
        array.push_back(std::move(*value));
      }
      return json::value(std::move(array));
    }
    case YAML::NodeType::Map: {
      json::object object;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return invalid_argument(where(entry.first) + "mapping keys must be scalars");
        }
        const std::string& key = entry.first.Scalar();
        if (object.contains(key))
          return invalid_argument(where(entry.first) + "duplicate key " + key);
        auto value = convert(entry.second, depth + 1);
        if (!value.ok()) return value;
        object.emplace(key, std::move(*value));
      }
      return json::value(std::move(object));
    }
    case YAML::NodeType::Undefined:
      break;
  }
  return invalid_argument(where(node) + "undefined node");
}

}  // namespace

Result<std::string> yaml_to_json(std::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return invalid_argument("YAML line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  try {
    auto value = convert(root, 0);
    if (!value.ok()) return value.status();
    return json::serialize(*value);
  } catch (const YAML::Exception& e) {
    return invalid_argument("YAML line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace sapi::api
