#include "app/module_options.h"

#include <charconv>

namespace sapi::app {

Result<http::ServerOptions> http_options(const Config& config) {
  const ServerConfig& s = config.server;
  http::ServerOptions o;
  auto colon = s.listen.rfind(':');
  if (colon == std::string::npos) return invalid_argument("server.listen: expected HOST:PORT");
  std::string host = s.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const char* first = s.listen.data() + colon + 1;
  const char* last = s.listen.data() + s.listen.size();
  auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || end != last || port > 65535) {
    return invalid_argument("server.listen: expected HOST:PORT");
  }
  o.host = host;
  o.port = static_cast<uint16_t>(port);
  o.threads = static_cast<int>(s.threads);
  o.base_path = s.base_path;
  o.max_header_bytes = static_cast<size_t>(s.max_header_bytes);
  o.max_body_bytes = static_cast<size_t>(s.max_body_bytes);
  o.max_connections = static_cast<size_t>(s.max_connections);
  o.header_timeout = std::chrono::milliseconds(s.header_timeout_ms);
  o.body_timeout = std::chrono::milliseconds(s.body_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(s.idle_timeout_ms);
  o.write_timeout = std::chrono::milliseconds(s.write_timeout_ms);
  o.shutdown_deadline = std::chrono::milliseconds(s.shutdown_deadline_ms);
  o.cors.enabled = config.cors.enabled;
  o.cors.allowed_origins = config.cors.allowed_origins;
  o.cors.max_age = std::chrono::seconds(config.cors.max_age_seconds);
  return o;
}

store::StoreOptions store_options(const Config& config) {
  store::StoreOptions o;
  o.data_dir = config.data_dir;
  o.player_sessions_table = config.player_sessions_table_name;
  o.player_rewards_table = config.player_rewards_table_name;
  o.group_commit = config.store.group_commit;
  o.max_batch = static_cast<size_t>(config.store.max_batch);
  o.commit_delay_us = static_cast<int>(config.store.commit_delay_us);
  o.commit_delay_min_batch = static_cast<size_t>(config.store.commit_delay_min_batch);
  o.busy_timeout_ms = static_cast<int>(config.store.busy_timeout_ms);
  return o;
}

obs::LogOptions log_options(const Config& config) {
  obs::LogOptions o;
  o.level = obs::parse_level(config.log_level).value_or(obs::Level::kInfo);
  o.file = config.log_file;
  o.retention_days = static_cast<int>(config.log_retention_days);
  return o;
}

api::JsonLimits json_limits(const Config& config) {
  return {.max_depth = static_cast<size_t>(config.server.max_json_depth),
          .max_bytes = static_cast<size_t>(config.server.max_body_bytes)};
}

}  // namespace sapi::app
