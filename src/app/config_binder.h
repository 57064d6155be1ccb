#pragma once

// How a configuration section declares its keys. A section is one function that binds each of
// its keys to a field:
//
//   void bind_server_config(ConfigBinder& b, Config& c) {
//     b.string("listen", c.server.listen, check_host_port);
//     b.integer("threads", c.server.threads, 0, 1024);
//   }
//
// The same function serves to read the configuration (file, environment, flags), to print the
// effective configuration and to list the keys, so a key exists in exactly one place.
// Registering a section is one line in app/config_sections.cc; see there.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sapi::app {

// Validates a value; returns "" when it is fine, else what was expected, e.g.
// "expected HOST:PORT". The reader adds the key and the offending value to the message.
using StringCheck = std::function<std::string(const std::string&)>;

// Secret values (passwords, signing keys) are never printed: `config check` shows
// "<redacted>" and error messages omit the value.
enum class Sensitivity { kPlain, kSecret };

class ConfigBinder {
 public:
  virtual ~ConfigBinder() = default;

  virtual void string(std::string_view key, std::string& value, const StringCheck& check = {},
                      Sensitivity sensitivity = Sensitivity::kPlain) = 0;
  // An integer within [min, max].
  virtual void integer(std::string_view key, int64_t& value, int64_t min, int64_t max) = 0;
  virtual void boolean(std::string_view key, bool& value) = 0;
  // In the environment: comma-separated.
  virtual void string_list(std::string_view key, std::vector<std::string>& value,
                           const StringCheck& check = {}) = 0;
  // A table of string values. In the environment: "k1=v1,k2=v2".
  virtual void string_map(std::string_view key, std::map<std::string, std::string>& value) = 0;
};

// Ready-made checks.
StringCheck one_of(std::vector<std::string> allowed);
StringCheck non_empty();
std::string check_host_port(const std::string& value);  // "HOST:PORT", port 0..65535
std::string check_base_path(const std::string& value);  // "" or "/seg[/seg...]", no trailing /

}  // namespace sapi::app
