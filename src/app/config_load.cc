// Reading the configuration: defaults < file < environment < flags, every error collected.

#include <toml++/toml.h>

#include <charconv>
#include <cstdlib>
#include <set>
#include <sstream>

#include "app/config.h"
#include "app/config_binder.h"
#include "app/config_sections.h"

namespace sapi::app {
namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  if (trim(s).empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.emplace_back(trim(s.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// Reads one section from its TOML table (may be absent), the environment and the flags.
class Reader final : public ConfigBinder {
 public:
  Reader(std::string section, const toml::table* table, const ConfigSource& source,
         std::vector<std::string>& errors)
      : section_(std::move(section)), table_(table), source_(source), errors_(errors) {}

  void string(std::string_view key, std::string& value, const StringCheck& check,
              Sensitivity sensitivity) override {
    auto text = override_for(key);
    if (text) {
      value = text->value;
    } else if (const toml::node* node = file_node(key)) {
      if (!node->is_string()) return error(key, "expected a string");
      value = node->as_string()->get();
    } else {
      return;  // the default is assumed valid
    }
    if (check) {
      std::string problem = check(value);
      if (!problem.empty()) {
        if (sensitivity == Sensitivity::kPlain) problem += ", got " + quoted(value);
        error(key, problem, text);
      }
    }
  }

  void integer(std::string_view key, int64_t& value, int64_t min, int64_t max) override {
    std::string expected =
        "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
    auto text = override_for(key);
    int64_t parsed = 0;
    if (text) {
      const std::string& v = text->value;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
        return error(key, expected + ", got " + quoted(v), text);
      }
    } else if (const toml::node* node = file_node(key)) {
      if (!node->is_integer()) return error(key, expected);
      parsed = node->as_integer()->get();
    } else {
      return;
    }
    if (parsed < min || parsed > max) {
      return error(key, expected + ", got " + std::to_string(parsed), text);
    }
    value = parsed;
  }

  void boolean(std::string_view key, bool& value) override {
    auto text = override_for(key);
    if (text) {
      if (text->value == "true" || text->value == "1") {
        value = true;
      } else if (text->value == "false" || text->value == "0") {
        value = false;
      } else {
        error(key, "expected true or false, got " + quoted(text->value), text);
      }
    } else if (const toml::node* node = file_node(key)) {
      if (!node->is_boolean()) return error(key, "expected true or false");
      value = node->as_boolean()->get();
    }
  }

  void string_list(std::string_view key, std::vector<std::string>& value,
                   const StringCheck& check) override {
    auto text = override_for(key);
    std::vector<std::string> parsed;
    if (text) {
      parsed = split_commas(text->value);
    } else if (const toml::node* node = file_node(key)) {
      const toml::array* array = node->as_array();
      if (!array) return error(key, "expected an array of strings");
      for (const toml::node& item : *array) {
        if (!item.is_string()) return error(key, "expected an array of strings");
        parsed.push_back(item.as_string()->get());
      }
    } else {
      return;
    }
    for (const auto& item : parsed) {
      std::string problem = check ? check(item) : "";
      if (!problem.empty()) return error(key, problem + ", got " + quoted(item), text);
    }
    value = std::move(parsed);
  }

  void string_map(std::string_view key, std::map<std::string, std::string>& value) override {
    auto text = override_for(key);
    std::map<std::string, std::string> parsed;
    if (text) {
      for (const auto& item : split_commas(text->value)) {
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) {
          return error(key, "expected KEY=VALUE[,KEY=VALUE...], got " + quoted(item), text);
        }
        parsed[std::string(trim(item.substr(0, eq)))] = std::string(trim(item.substr(eq + 1)));
      }
    } else if (const toml::node* node = file_node(key)) {
      const toml::table* table = node->as_table();
      if (!table) return error(key, "expected a table of strings");
      for (const auto& [k, v] : *table) {
        if (!v.is_string()) return error(key, "expected a table of strings");
        parsed[std::string(k.str())] = v.as_string()->get();
      }
    } else {
      return;
    }
    value = std::move(parsed);
  }

  // Keys present in the file that no binding asked for.
  void report_unknown_keys(const std::set<std::string>& also_known) {
    if (!table_) return;
    for (const auto& [k, v] : *table_) {
      std::string name(k.str());
      if (!seen_.contains(name) && !also_known.contains(name)) error(name, "unknown key");
    }
  }

 private:
  struct Text {
    std::string value;
    std::string origin;  // "SESSION_API_SERVER_LISTEN" or "--listen"
  };

  std::string dotted(std::string_view key) const {
    return section_.empty() ? std::string(key) : section_ + "." + std::string(key);
  }

  std::optional<Text> override_for(std::string_view key) {
    seen_.insert(std::string(key));
    std::string name = dotted(key);
    for (auto it = source_.flags.rbegin(); it != source_.flags.rend(); ++it) {
      if (it->key == name) return Text{it->value, it->flag};
    }
    std::string env = env_var_for(name);
    std::optional<std::string> from_env;
    if (source_.getenv) {
      from_env = source_.getenv(env);
    } else if (const char* v = std::getenv(env.c_str())) {
      from_env = v;
    }
    if (from_env) return Text{*from_env, env};
    return std::nullopt;
  }

  const toml::node* file_node(std::string_view key) const {
    return table_ ? table_->get(key) : nullptr;
  }

  void error(std::string_view key, const std::string& message,
             const std::optional<Text>& text = std::nullopt) {
    std::string where = dotted(key);
    if (text) where += " (from " + text->origin + ")";
    errors_.push_back(where + ": " + message);
  }

  std::string section_;
  const toml::table* table_;
  const ConfigSource& source_;
  std::vector<std::string>& errors_;
  std::set<std::string> seen_;
};

std::optional<toml::table> parse_file(const std::string& path, std::vector<std::string>& errors) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream out;
    out << path;
    if (e.source().begin.line)
      out << ":" << e.source().begin.line << ":" << e.source().begin.column;
    out << ": " << e.description();
    errors.push_back(out.str());
  } catch (const std::exception& e) {
    errors.push_back(path + ": " + e.what());
  }
  return std::nullopt;
}

}  // namespace

std::string env_var_for(std::string_view dotted_key) {
  std::string out = "SESSION_API_";
  for (char c : dotted_key) {
    out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

LoadedConfig load_config(const ConfigSource& source) {
  LoadedConfig loaded;
  std::optional<toml::table> root;
  if (source.file) {
    root = parse_file(*source.file, loaded.errors);
    if (!root) return loaded;
  }
  std::set<std::string> section_names;
  for (const ConfigSection& section : config_sections()) {
    if (!section.name.empty()) section_names.insert(std::string(section.name));
  }
  for (const ConfigSection& section : config_sections()) {
    const toml::table* table = root ? &*root : nullptr;
    if (!section.name.empty() && root) {
      const toml::node* node = root->get(section.name);
      if (node && !node->is_table()) {
        loaded.errors.push_back(std::string(section.name) + ": expected a table");
        continue;
      }
      table = node ? node->as_table() : nullptr;
    }
    Reader reader(std::string(section.name), table, source, loaded.errors);
    section.bind(reader, loaded.config);
    reader.report_unknown_keys(section.name.empty() ? section_names : std::set<std::string>{});
  }
  return loaded;
}

}  // namespace sapi::app
