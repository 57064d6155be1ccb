#pragma once

// Player attributes as a rule set declares them and as tickets carry them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"

namespace boost::json {
class value;
}

namespace sapi::flexmatch {

// The four attribute types of the rule language, with their GameLift request encodings.
enum class AttributeType : uint8_t {
  kString,           // "string", {"S": "..."}
  kNumber,           // "number", {"N": 1.5}
  kStringList,       // "string_list", {"SL": ["a", "b"]}
  kStringNumberMap,  // "string_number_map", {"SDM": {"a": 1}}
};

// "string", "number", "string_list", "string_number_map".
std::string_view attribute_type_name(AttributeType type);
// The inverse of attribute_type_name; nullopt for anything else.
std::optional<AttributeType> parse_attribute_type(std::string_view name);

// Limits of the GameLift API on attribute values.
inline constexpr size_t kMaxAttributeStringChars = 100;
inline constexpr size_t kMaxStringListItems = 100;
inline constexpr size_t kMaxStringNumberMapPairs = 10;

using StringList = std::vector<std::string>;                          // sorted, without duplicates
using StringNumberMap = std::vector<std::pair<std::string, double>>;  // sorted by key

// One attribute value of one player. `std::monostate` means "absent" (the player did not
// send it and the declaration has no default): such a player can never match.
// String lists are kept sorted and de-duplicated (GameLift ignores duplicates), maps sorted by
// key, so that set operations and look-ups are linear merges or binary searches.
class AttributeValue {
 public:
  using Storage = std::variant<std::monostate, double, std::string, StringList, StringNumberMap>;

  AttributeValue() = default;
  static AttributeValue number(double v) { return AttributeValue(Storage(v)); }
  static AttributeValue string(std::string v) { return AttributeValue(Storage(std::move(v))); }
  // Sorts and removes duplicates.
  static AttributeValue string_list(StringList v);
  // Sorts by key; on duplicate keys the last one wins.
  static AttributeValue string_number_map(StringNumberMap v);

  bool present() const { return !std::holds_alternative<std::monostate>(v_); }
  // The type of a present value.
  AttributeType type() const;

  bool is_number() const { return std::holds_alternative<double>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_string_list() const { return std::holds_alternative<StringList>(v_); }
  bool is_string_number_map() const { return std::holds_alternative<StringNumberMap>(v_); }

  // Accessors; calling the wrong one asserts.
  double as_number() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const StringList& as_string_list() const { return std::get<StringList>(v_); }
  const StringNumberMap& as_string_number_map() const { return std::get<StringNumberMap>(v_); }

  // The value of `key` in a string_number_map value, if present.
  std::optional<double> map_value(std::string_view key) const;

  const Storage& storage() const { return v_; }
  bool operator==(const AttributeValue&) const = default;

 private:
  explicit AttributeValue(Storage v) : v_(std::move(v)) {}
  Storage v_;
};

// Decodes GameLift's request encoding ({"S": ..}, {"N": ..}, {"SL": [..]}, {"SDM": {..}})
// for an attribute declared with `type`. Errors say what was expected and what was found, e.g.
// `expected {"N": number} for a number attribute, found {"S": "high"}`.
Result<AttributeValue> attribute_from_gamelift(const boost::json::value& v, AttributeType type);

// Decodes plain JSON (number, string, list of strings, object of string to number), as in
// simulator ticket files, for an attribute declared with `type`.
Result<AttributeValue> attribute_from_plain_json(const boost::json::value& v, AttributeType type);

// Encodes a present value in GameLift's request encoding, or as plain JSON.
boost::json::value attribute_to_gamelift(const AttributeValue& v);
boost::json::value attribute_to_plain_json(const AttributeValue& v);

}  // namespace sapi::flexmatch
