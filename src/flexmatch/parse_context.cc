#include "flexmatch/parse_context.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace sapi::flexmatch {

std::string Diagnostic::to_string() const {
  std::string_view sev = is_error() ? "error" : "warning";
  if (path.empty()) return fmt::format("{}: {}", sev, message);
  return fmt::format("{}: {}: {}", sev, path, message);
}

std::vector<Diagnostic> ParseOutcome::errors() const {
  std::vector<Diagnostic> out;
  for (const auto& d : diagnostics) {
    if (d.is_error()) out.push_back(d);
  }
  return out;
}

std::vector<Diagnostic> ParseOutcome::warnings() const {
  std::vector<Diagnostic> out;
  for (const auto& d : diagnostics) {
    if (!d.is_error()) out.push_back(d);
  }
  return out;
}

namespace detail {
namespace json = boost::json;

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "the number " + json::serialize(v);
    case json::kind::string: {
      std::string s(v.get_string());
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return "the string " + json::serialize(json::string(s));
    }
    case json::kind::array:
      return fmt::format("an array of {}", v.get_array().size());
    case json::kind::object:
      return "an object";
  }
  return "?";
}

std::string member(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return fmt::format("{}.{}", path, key);
}

std::string element(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

void Diagnostics::error(std::string path, std::string message) {
  ++errors_;
  list_.push_back({Diagnostic::Severity::kError, std::move(path), std::move(message)});
}

void Diagnostics::warning(std::string path, std::string message) {
  list_.push_back({Diagnostic::Severity::kWarning, std::move(path), std::move(message)});
}

std::optional<double> lenient_number(const json::value& v, bool* was_string) {
  if (was_string) *was_string = false;
  if (v.is_number()) {
    double d = v.to_number<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return d;
  }
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.get_string();
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  if (was_string) *was_string = true;
  return d;
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) const {
  const auto* v = get(key);
  if (v == nullptr) {
    if (required) diags_.error(path_of(key), "required: expected a string, found nothing");
    return std::nullopt;
  }
  if (!v->is_string()) {
    diags_.error(path_of(key), "expected a string, found " + describe(*v));
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<double> ObjectReader::number(std::string_view key, bool required) const {
  const auto* v = get(key);
  if (v == nullptr) {
    if (required) diags_.error(path_of(key), "required: expected a number, found nothing");
    return std::nullopt;
  }
  bool was_string = false;
  auto d = lenient_number(*v, &was_string);
  if (!d) {
    diags_.error(path_of(key), "expected a number, found " + describe(*v));
    return std::nullopt;
  }
  if (was_string) {
    diags_.warning(path_of(key),
                   fmt::format("a number written as a string ({}); read as {}, but write it "
                               "as a JSON number",
                               describe(*v), json::serialize(json::value(*d))));
  }
  return d;
}

std::optional<int> ObjectReader::integer(std::string_view key, bool required, int lo,
                                         int hi) const {
  auto d = number(key, required);
  if (!d) return std::nullopt;
  if (*d != std::floor(*d) || *d < lo || *d > hi) {
    diags_.error(path_of(key), fmt::format("expected a whole number from {} to {}, found {}", lo,
                                           hi, json::serialize(json::value(*d))));
    return std::nullopt;
  }
  return static_cast<int>(*d);
}

std::optional<std::string> ObjectReader::one_of(
    std::string_view key, bool required, std::initializer_list<std::string_view> allowed) const {
  auto s = string(key, required);
  if (!s) return std::nullopt;
  for (auto a : allowed) {
    if (*s == a) return s;
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
  diags_.error(path_of(key), fmt::format("expected one of {}, found \"{}\"", list, *s));
  return std::nullopt;
}

void ObjectReader::warn_unknown_keys(const std::vector<std::string_view>& known) const {
  for (const auto& kv : obj_) {
    bool ok = false;
    for (auto k : known) ok = ok || kv.key() == k;
    if (!ok) {
      std::string expected;
      for (auto k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      diags_.warning(path_of(kv.key()),
                     fmt::format("unknown key, ignored (the AWS API may refuse it); known keys "
                                 "here: {}",
                                 expected));
    }
  }
}

}  // namespace detail
}  // namespace sapi::flexmatch
