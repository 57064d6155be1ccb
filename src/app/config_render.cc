// Printing the effective configuration and listing its keys, both from the section bindings.

#include <toml++/toml.h>

#include <sstream>

#include "app/config.h"
#include "app/config_binder.h"
#include "app/config_sections.h"

namespace sapi::app {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

class Renderer final : public ConfigBinder {
 public:
  explicit Renderer(toml::table& table) : table_(table) {}

  void string(std::string_view key, std::string& value, const StringCheck&,
              Sensitivity sensitivity) override {
    bool hide = sensitivity == Sensitivity::kSecret && !value.empty();
    table_.insert_or_assign(key, hide ? std::string(kRedacted) : value);
  }
  void integer(std::string_view key, int64_t& value, int64_t, int64_t) override {
    table_.insert_or_assign(key, value);
  }
  void boolean(std::string_view key, bool& value) override { table_.insert_or_assign(key, value); }
  void string_list(std::string_view key, std::vector<std::string>& value,
                   const StringCheck&) override {
    toml::array array;
    for (const auto& item : value) array.push_back(item);
    table_.insert_or_assign(key, std::move(array));
  }
  void string_map(std::string_view key, std::map<std::string, std::string>& value) override {
    toml::table table;
    for (const auto& [k, v] : value) table.insert_or_assign(k, v);
    table_.insert_or_assign(key, std::move(table));
  }

 private:
  toml::table& table_;
};

class KeyLister final : public ConfigBinder {
 public:
  KeyLister(std::string_view section, std::vector<ConfigKey>& keys)
      : section_(section), keys_(keys) {}

  void string(std::string_view key, std::string&, const StringCheck&,
              Sensitivity sensitivity) override {
    add(key, "string", sensitivity == Sensitivity::kSecret);
  }
  void integer(std::string_view key, int64_t&, int64_t, int64_t) override { add(key, "integer"); }
  void boolean(std::string_view key, bool&) override { add(key, "boolean"); }
  void string_list(std::string_view key, std::vector<std::string>&, const StringCheck&) override {
    add(key, "array of strings");
  }
  void string_map(std::string_view key, std::map<std::string, std::string>&) override {
    add(key, "table of strings");
  }

 private:
  void add(std::string_view key, std::string type, bool secret = false) {
    std::string dotted =
        section_.empty() ? std::string(key) : std::string(section_) + "." + std::string(key);
    keys_.push_back({dotted, env_var_for(dotted), std::move(type), secret});
  }

  std::string_view section_;
  std::vector<ConfigKey>& keys_;
};

}  // namespace

std::string render_config(const Config& config) {
  Config copy = config;  // bindings take mutable references; printing must not change anything
  toml::table root;
  for (const ConfigSection& section : config_sections()) {
    if (section.name.empty()) {
      Renderer renderer(root);
      section.bind(renderer, copy);
    } else {
      toml::table table;
      Renderer renderer(table);
      section.bind(renderer, copy);
      root.insert_or_assign(section.name, std::move(table));
    }
  }
  std::ostringstream out;
  out << toml::toml_formatter(root) << "\n";
  return out.str();
}

std::vector<ConfigKey> list_config_keys() {
  Config scratch;
  std::vector<ConfigKey> keys;
  for (const ConfigSection& section : config_sections()) {
    KeyLister lister(section.name, keys);
    section.bind(lister, scratch);
  }
  return keys;
}

Config::Extensions::Extensions(const Extensions& other) {
  for (const auto& [type, slot] : other.slots) {
    slots[type] = Slot{slot.clone(slot.value.get()), slot.clone};
  }
}

Config::Extensions& Config::Extensions::operator=(const Extensions& other) {
  if (this != &other) *this = Extensions(other);
  return *this;
}

}  // namespace sapi::app
