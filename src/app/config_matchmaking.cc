#include "app/config_matchmaking.h"

#include "api/matchmaking.h"
#include "app/config_events.h"
#include "app/routes.h"
#include "matchmaking/configuration.h"
#include "matchmaking/service.h"

namespace sapi::app {

void bind_matchmaking_config(ConfigBinder& b, Config& c) {
  auto& m = c.section<MatchmakingConfig>();
  b.string("configurations_file", m.configurations_file);
  b.integer("cycle_interval_ms", m.cycle_interval_ms, 1, 10000);
  b.integer("finished_ticket_retention_seconds", m.finished_ticket_retention_seconds, 0,
            30 * 86400);
  b.integer("max_wait_seconds", m.max_wait_seconds, 0, 20);
  b.integer("rate_limit_per_second", m.rate_limit_per_second, 0, 1000000);
  b.integer("rate_limit_burst", m.rate_limit_burst, 1, 1000000);
}

namespace {

// The configurations file (read anew each time), or the embedded default.
Result<std::vector<matchmaking::Configuration>> load_configurations(const Config& config) {
  const auto& m = config.section<MatchmakingConfig>();
  if (m.configurations_file.empty()) {
    return matchmaking::embedded_configurations(config.matchmaking_configuration_name);
  }
  return matchmaking::load_configurations_file(m.configurations_file);
}

// SIGHUP: a configurations file that does not load, or a reload the service refuses, leaves
// everything as it was.
void reload(const Services& services, matchmaking::MatchmakingService& service) {
  const auto& file = services.config.section<MatchmakingConfig>().configurations_file;
  auto loaded = load_configurations(services.config);
  Status s = loaded.ok() ? service.reload(std::move(*loaded)) : loaded.status();
  if (!s.ok()) {
    services.log.error("matchmaking configurations not reloaded",
                       {{"configurations_file", file}, {"error", s.message()}});
    return;
  }
  services.log.info("matchmaking configurations reloaded", {{"configurations_file", file}});
}

}  // namespace

Status mount_matchmaking(Services& services, http::Router& router, const api::PlayerAuth& auth) {
  return mount_matchmaking(services, router, auth, nullptr).status();
}

Result<matchmaking::MatchmakingService*> mount_matchmaking(Services& services, http::Router& router,
                                                           const api::PlayerAuth& auth,
                                                           matchmaking::Placer* placer) {
  const Config& config = services.config;
  const auto& m = config.section<MatchmakingConfig>();
  auto configurations = load_configurations(config);
  if (!configurations.ok()) return configurations.status();
  matchmaking::ServiceOptions options;
  options.default_configuration = config.matchmaking_configuration_name;
  options.region = config.aws_region;
  options.cycle_interval = std::chrono::milliseconds(m.cycle_interval_ms);
  options.finished_retention = std::chrono::seconds(m.finished_ticket_retention_seconds);
  options.placer = placer;
  auto service = matchmaking::MatchmakingService::create(std::move(*configurations), options,
                                                         &services.store.tickets(), services.clock);
  if (!service.ok()) return service.status();
  auto& kept = services.keep(std::move(*service));
  services.reload_hooks.push_back([&services, &kept] { reload(services, kept); });
  api::MatchmakingRouteOptions route_options;
  route_options.json = services.json;
  route_options.max_wait_seconds = static_cast<int>(m.max_wait_seconds);
  route_options.rate_per_second = static_cast<double>(m.rate_limit_per_second);
  route_options.burst = static_cast<double>(m.rate_limit_burst);
  api::add_matchmaking_routes(router, auth, kept, services.clock, route_options);
  SAPI_RETURN_IF_ERROR(mount_events(services, router, auth, kept));
  services.log.info("matchmaking", {{"configurations_file", m.configurations_file},
                                    {"default_configuration", options.default_configuration},
                                    {"placement", placer ? "fleet" : "none"}});
  return &kept;
}

}  // namespace sapi::app
