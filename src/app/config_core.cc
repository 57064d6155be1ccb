// The sections every deployment has: the seed module's inputs at the top level, the HTTP
// server, CORS and the store.

#include <charconv>

#include "app/config_binder.h"
#include "app/config_sections.h"
#include "store/options.h"

namespace sapi::app {
namespace {

// Table names go into SQL: the store takes plain identifiers only.
std::string check_table_name(const std::string& value) {
  return store::is_valid_table_name(value) ? ""
                                           : "expected an identifier [A-Za-z_][A-Za-z0-9_]{0,62}";
}

std::string check_origin(const std::string& value) {
  if (value == "*") return "";
  bool ok = (value.starts_with("http://") || value.starts_with("https://")) &&
            value.find('/', value.find("//") + 2) == std::string::npos;
  return ok ? "" : "expected \"*\" or an origin such as \"https://example.com:8443\"";
}

}  // namespace

StringCheck one_of(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const std::string& value) -> std::string {
    for (const auto& a : allowed) {
      if (a == value) return "";
    }
    std::string expected = "expected one of";
    for (size_t i = 0; i < allowed.size(); ++i) expected += (i ? ", " : " ") + allowed[i];
    return expected;
  };
}

StringCheck non_empty() {
  return [](const std::string& value) -> std::string {
    return value.empty() ? "expected a non-empty string" : "";
  };
}

std::string check_host_port(const std::string& value) {
  const std::string expected = "expected HOST:PORT";
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) return expected;
  std::string host = value.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') return expected;
  if (host.front() != '[' && host.find(':') != std::string::npos) return expected;
  std::string_view port(value.data() + colon + 1, value.size() - colon - 1);
  unsigned number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number > 65535) {
    return expected;
  }
  return "";
}

std::string check_base_path(const std::string& value) {
  if (value.empty()) return "";
  const std::string expected = "expected \"\" or a path such as \"/dev\" (no trailing slash)";
  if (value.front() != '/' || value.back() == '/' || value.find("//") != std::string::npos) {
    return expected;
  }
  for (char c : value) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("/-_.~").find(c) == std::string_view::npos) {
      return expected;
    }
  }
  return "";
}

void bind_top_level_config(ConfigBinder& b, Config& c) {
  b.string("project_name", c.project_name, non_empty());
  b.string("environment", c.environment, non_empty());
  b.string("aws_region", c.aws_region, non_empty());
  b.string("matchmaking_configuration_name", c.matchmaking_configuration_name, non_empty());
  b.string("player_sessions_table_name", c.player_sessions_table_name, check_table_name);
  b.string("player_rewards_table_name", c.player_rewards_table_name, check_table_name);
  b.string("log_level", c.log_level, one_of({"DEBUG", "INFO", "WARN", "ERROR"}));
  b.integer("log_retention_days", c.log_retention_days, 1, 3650);
  b.string("log_file", c.log_file);
  b.string("data_dir", c.data_dir, non_empty());
  b.string_map("tags", c.tags);
}

void bind_server_config(ConfigBinder& b, Config& c) {
  auto& s = c.server;
  b.string("listen", s.listen, check_host_port);
  b.integer("threads", s.threads, 0, 256);
  b.string("base_path", s.base_path, check_base_path);
  b.integer("max_connections", s.max_connections, 1, 1'000'000);
  b.integer("max_header_bytes", s.max_header_bytes, 1024, 1 << 20);
  b.integer("max_body_bytes", s.max_body_bytes, 1024, 64 << 20);
  b.integer("max_json_depth", s.max_json_depth, 1, 1000);
  b.integer("header_timeout_ms", s.header_timeout_ms, 100, 3'600'000);
  b.integer("idle_timeout_ms", s.idle_timeout_ms, 100, 3'600'000);
  b.integer("body_timeout_ms", s.body_timeout_ms, 100, 3'600'000);
  b.integer("write_timeout_ms", s.write_timeout_ms, 100, 3'600'000);
  b.integer("shutdown_deadline_ms", s.shutdown_deadline_ms, 0, 3'600'000);
  b.string("metrics_token", s.metrics_token, {}, Sensitivity::kSecret);
}

void bind_cors_config(ConfigBinder& b, Config& c) {
  b.boolean("enabled", c.cors.enabled);
  b.string_list("allowed_origins", c.cors.allowed_origins, check_origin);
  b.integer("max_age_seconds", c.cors.max_age_seconds, 0, 86400);
}

void bind_store_config(ConfigBinder& b, Config& c) {
  b.boolean("group_commit", c.store.group_commit);
  b.integer("max_batch", c.store.max_batch, 1, 100'000);
  b.integer("commit_delay_us", c.store.commit_delay_us, 0, 100'000);
  b.integer("commit_delay_min_batch", c.store.commit_delay_min_batch, 1, 100'000);
  b.integer("busy_timeout_ms", c.store.busy_timeout_ms, 0, 600'000);
}

}  // namespace sapi::app
