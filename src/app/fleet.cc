#include "app/fleet.h"

#include <map>

#include "api/game_servers_api.h"
#include "app/config_fleet.h"
#include "fleet/queue.h"

namespace sapi::app {

Result<fleet::Fleet*> create_fleet(Services& services) {
  const auto& f = services.config.section<FleetConfig>();
  if (f.heartbeat_timeout_seconds <= f.heartbeat_interval_seconds) {
    return invalid_argument(
        "fleet.heartbeat_timeout_seconds must be longer than "
        "fleet.heartbeat_interval_seconds");
  }
  std::vector<fleet::QueueConfig> queues;
  if (!f.queues_file.empty()) {
    auto loaded = fleet::load_queues_file(f.queues_file);
    if (!loaded.ok()) return loaded.status();
    queues = std::move(*loaded);
  }
  auto by_name = std::make_shared<std::map<std::string, fleet::QueueConfig>>();
  for (auto& q : fleet::with_default_queue(std::move(queues))) (*by_name)[q.name] = q;

  fleet::FleetOptions options;
  options.fleet_name = f.name;
  options.heartbeat_interval = std::chrono::seconds(f.heartbeat_interval_seconds);
  options.heartbeat_timeout = std::chrono::seconds(f.heartbeat_timeout_seconds);
  options.player_session_timeout = std::chrono::seconds(f.player_session_timeout_seconds);
  options.finished_retention = std::chrono::seconds(f.finished_game_session_retention_seconds);
  options.queue_named = [by_name](const std::string& name) -> std::optional<fleet::QueueConfig> {
    auto it = by_name->find(name);
    if (it == by_name->end()) return std::nullopt;
    return it->second;
  };
  auto created = fleet::Fleet::create(std::move(options), &services.store.fleet(), services.clock,
                                      &services.metrics);
  if (!created.ok()) return created.status();
  fleet::Fleet& kept = services.keep(std::move(*created));
  std::string names;
  for (const auto& [name, q] : *by_name) names += (names.empty() ? "" : ",") + name;
  services.log.info("fleet", {{"name", f.name},
                              {"queues_file", f.queues_file},
                              {"queues", names},
                              {"game_servers", static_cast<int64_t>(kept.server_count())}});
  return &kept;
}

void mount_fleet(Services& services, http::Router& router, const api::GameServerAuth& auth,
                 fleet::Fleet& fleet, matchmaking::MatchmakingService* service) {
  api::GameServerRouteOptions options;
  options.json = services.json;
  api::add_game_server_routes(router, auth, fleet, services.clock, options);
  if (service) api::add_backfill_routes(router, auth, fleet, *service, services.json);
}

}  // namespace sapi::app
