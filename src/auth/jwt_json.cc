#include "auth/jwt_json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <set>
#include <string>
#include <vector>

namespace sapi::auth {
namespace {

namespace json = boost::json;

constexpr size_t kMaxDepth = 16;

// A basic_parser handler that builds nothing and only tracks the keys of each open object,
// failing on the first repeated key or on excessive nesting.
struct DuplicateKeyFinder {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::vector<std::set<std::string>> objects;
  size_t depth = 0;
  std::string key;
  bool duplicate = false;
  bool too_deep = false;

  bool enter() {
    if (++depth > kMaxDepth) {
      too_deep = true;
      return false;
    }
    return true;
  }
  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    objects.emplace_back();
    return enter();
  }
  bool on_object_end(std::size_t, json::error_code&) {
    objects.pop_back();
    --depth;
    return true;
  }
  bool on_array_begin(json::error_code&) { return enter(); }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth;
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    bool inserted = objects.back().insert(std::move(key)).second;
    key.clear();
    if (!inserted) duplicate = true;
    return inserted;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

Result<json::object> parse_json_object_strict(std::string_view text) {
  json::parse_options options;  // defaults: no comments, no trailing commas, UTF-8 checked
  options.max_depth = kMaxDepth + 1;
  json::basic_parser<DuplicateKeyFinder> finder(options);
  json::error_code ec;
  finder.write_some(false, text.data(), text.size(), ec);
  if (finder.handler().duplicate) return invalid_argument("JSON repeats a key");
  if (finder.handler().too_deep) return invalid_argument("JSON is nested too deeply");
  if (ec) return invalid_argument("not valid JSON");
  json::value value = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec) return invalid_argument("not valid JSON");
  if (!value.is_object()) return invalid_argument("JSON is not an object");
  return std::move(value.as_object());
}

}  // namespace sapi::auth
