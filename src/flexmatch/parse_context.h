#pragma once

// Internal to the rule-set parser: collecting diagnostics and reading typed fields out of
// JSON objects with the JSON path in every message.

#include <boost/json/value.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flexmatch/rule_set_parser.h"

namespace sapi::flexmatch::detail {

// "the string \"far\"", "the number 5", "an array", "an object", "null", "true".
std::string describe(const boost::json::value& v);

// Path helpers: member("rules[2]", "maxDistance") -> "rules[2].maxDistance".
std::string member(std::string_view path, std::string_view key);
std::string element(std::string_view path, size_t index);

class Diagnostics {
 public:
  void error(std::string path, std::string message);
  void warning(std::string path, std::string message);
  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }
  std::vector<Diagnostic> take() { return std::move(list_); }

 private:
  std::vector<Diagnostic> list_;
  size_t errors_ = 0;
};

// A JSON object being read at `path`. Each getter reports a missing required field or a
// wrong type as an error and returns nullopt; absent optional fields return nullopt quietly.
class ObjectReader {
 public:
  ObjectReader(const boost::json::object& obj, std::string path, Diagnostics& diags)
      : obj_(obj), path_(std::move(path)), diags_(diags) {}

  const boost::json::value* get(std::string_view key) const { return obj_.if_contains(key); }
  bool has(std::string_view key) const { return get(key) != nullptr; }
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return member(path_, key); }
  Diagnostics& diags() const { return diags_; }

  std::optional<std::string> string(std::string_view key, bool required) const;
  // Accepts a number, or a string holding one (with a warning: AWS's own examples write
  // "maxDistance": "500").
  std::optional<double> number(std::string_view key, bool required) const;
  // A whole number within [lo, hi].
  std::optional<int> integer(std::string_view key, bool required, int lo, int hi) const;
  // A string that must be one of `allowed`; the message lists them.
  std::optional<std::string> one_of(std::string_view key, bool required,
                                    std::initializer_list<std::string_view> allowed) const;
  // Warns about keys not in `known`.
  void warn_unknown_keys(const std::vector<std::string_view>& known) const;

 private:
  const boost::json::object& obj_;
  std::string path_;
  Diagnostics& diags_;
};

// A number from a JSON value that may be a numeric string; nullopt otherwise. Sets
// *was_string when it was a string.
std::optional<double> lenient_number(const boost::json::value& v, bool* was_string);

}  // namespace sapi::flexmatch::detail
