#include "app/routes.h"

#include "api/health.h"
#include "api/metrics_route.h"
#include "api/openapi.h"
#include "app/config_auth.h"
#include "app/config_matchmaking.h"
#include "app/config_sessions.h"
#include "app/fleet.h"
#include "app/game_servers.h"

namespace sapi::app {

Result<http::Router> build_router(Services& services) {
  http::Router router;
  store::Store& store = services.store;
  api::add_health_routes(router, [&store] { return store.ping(); });
  api::add_metrics_route(router, services.metrics, services.config.server.metrics_token);
  SAPI_RETURN_IF_ERROR(api::add_openapi_route(router, services.config.server.base_path));

  // Route groups are mounted here, each by one call:
  //   player identity (api/identity.h), session summaries (api/session_summary.h),
  //   player records (api/players.h), matchmaking.
  auto player_auth = mount_player_auth(services, router);
  if (!player_auth.ok()) return player_auth.status();
  auto fleet = create_fleet(services);
  if (!fleet.ok()) return fleet.status();
  auto matchmaking = mount_matchmaking(services, router, **player_auth, *fleet);
  if (!matchmaking.ok()) return matchmaking.status();
  auto game_servers = mount_game_server_auth(services, router);
  if (!game_servers.ok()) return game_servers.status();
  mount_fleet(services, router, **game_servers, **fleet, *matchmaking);
  fleet::Fleet* placed = *fleet;
  SAPI_RETURN_IF_ERROR(
      mount_sessions(services, router, **player_auth, **game_servers,
                     [placed](const std::string& key, const std::string& player_id) {
                       return placed->had_player_session(key, player_id);
                     }));
  return router;
}

}  // namespace sapi::app
