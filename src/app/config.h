#pragma once

// The service's configuration: built-in defaults, overridden by a TOML file, then by
// SESSION_API_* environment variables, then by command-line flags. Every key is documented in
// docs/configuration.md; sections are declared in app/config_sections.cc.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <vector>

namespace sapi::app {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // loopback unless told otherwise
  int64_t threads = 0;                    // I/O threads; 0: one per core
  std::string base_path;                  // "" or e.g. "/dev"
  int64_t max_connections = 10000;
  int64_t max_header_bytes = 8192;
  int64_t max_body_bytes = 65536;
  int64_t max_json_depth = 32;
  int64_t header_timeout_ms = 10000;
  int64_t idle_timeout_ms = 60000;
  int64_t body_timeout_ms = 30000;
  int64_t write_timeout_ms = 30000;
  int64_t shutdown_deadline_ms = 10000;
  // When set, GET /metrics requires "Authorization: Bearer <metrics_token>".
  std::string metrics_token;
};

struct CorsConfig {
  bool enabled = false;
  std::vector<std::string> allowed_origins;  // "*" allows any origin
  int64_t max_age_seconds = 600;
};

struct StoreConfig {
  bool group_commit = true;
  int64_t max_batch = 1024;
  int64_t commit_delay_us = 1000;
  int64_t commit_delay_min_batch = 16;
  int64_t busy_timeout_ms = 5000;
};

struct Config {
  // The seed module's inputs.
  std::string project_name = "session-api";
  std::string environment = "dev";
  std::string aws_region = "eu-west-1";
  std::string matchmaking_configuration_name = "session-api-dev";
  std::string player_sessions_table_name = "PlayerSessions";
  std::string player_rewards_table_name = "PlayerRewards";
  std::string log_level = "INFO";  // DEBUG, INFO, WARN or ERROR
  int64_t log_retention_days = 30;
  std::map<std::string, std::string> tags;

  // The server's own.
  std::string data_dir = "./data";
  std::string log_file;  // empty: JSON lines on stdout
  ServerConfig server;
  CorsConfig cors;
  StoreConfig store;

  // The values of a section declared outside this struct (e.g. `[auth]` in
  // app/config_auth.cc), created with its defaults on first use. T must be copyable.
  template <typename T>
  T& section();
  template <typename T>
  const T& section() const {
    return const_cast<Config*>(this)->section<T>();
  }

 private:
  // Section values by type; copies are deep, so a copied Config shares nothing.
  class Extensions {
   public:
    Extensions() = default;
    Extensions(const Extensions& other);
    Extensions& operator=(const Extensions& other);
    Extensions(Extensions&&) = default;
    Extensions& operator=(Extensions&&) = default;

    struct Slot {
      std::shared_ptr<void> value;
      std::shared_ptr<void> (*clone)(const void*) = nullptr;
    };
    std::map<std::type_index, Slot> slots;
  };
  Extensions extensions_;
};

// Where the configuration comes from. Precedence: defaults < file < environment < flags.
struct ConfigSource {
  struct Flag {
    std::string key;   // dotted key, e.g. "server.listen"
    std::string flag;  // as the user typed it, for error messages, e.g. "--listen"
    std::string value;
  };
  std::optional<std::string> file;  // a TOML file; none: defaults only
  // Looks up an environment variable; the process environment when empty.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  std::vector<Flag> flags;
};

struct LoadedConfig {
  Config config;
  std::vector<std::string> errors;  // every problem found, each naming its key
  bool ok() const { return errors.empty(); }
};

// Reads and validates the whole configuration, reporting every error at once.
LoadedConfig load_config(const ConfigSource& source);

// The effective configuration as TOML, with secret values replaced by "<redacted>".
std::string render_config(const Config& config);

// One key the configuration understands, for documentation and tests.
struct ConfigKey {
  std::string key;      // dotted, e.g. "server.listen"
  std::string env_var;  // e.g. SESSION_API_SERVER_LISTEN
  std::string type;     // "string", "integer", "boolean", "array of strings", ...
  bool secret = false;
};
std::vector<ConfigKey> list_config_keys();

// The environment variable that overrides a dotted key: SESSION_API_ + upper-cased key with
// '.' turned into '_'.
std::string env_var_for(std::string_view dotted_key);

template <typename T>
T& Config::section() {
  auto& slot = extensions_.slots[std::type_index(typeid(T))];
  if (!slot.value) {
    slot.value = std::make_shared<T>();
    slot.clone = [](const void* p) -> std::shared_ptr<void> {
      return std::make_shared<T>(*static_cast<const T*>(p));
    };
  }
  return *static_cast<T*>(slot.value.get());
}

}  // namespace sapi::app
