#include "app/config_sessions.h"

#include "api/players.h"
#include "api/session_summary.h"
#include "app/routes.h"
#include "sessions/session_summaries.h"
#include "sessions/sweeper.h"

namespace sapi::app {

void bind_sessions_config(ConfigBinder& b, Config& c) {
  auto& s = c.section<SessionsConfig>();
  b.integer("session_ttl_hours", s.session_ttl_hours, 1, 24 * 366);
  b.string("rewards_catalogue_file", s.rewards_catalogue_file);
  b.integer("sweep_interval_seconds", s.sweep_interval_seconds, 1, 86400);
  b.integer("sweep_batch_size", s.sweep_batch_size, 1, 100000);
  b.boolean("require_placed_player", s.require_placed_player);
}

Status mount_sessions(Services& services, http::Router& router, const api::PlayerAuth& players,
                      const api::GameServerAuth& game_servers,
                      std::function<bool(const std::string&, const std::string&)> placed_player) {
  const auto& s = services.config.section<SessionsConfig>();
  sessions::SessionsOptions options;
  options.session_ttl_hours = static_cast<int>(s.session_ttl_hours);
  if (!s.rewards_catalogue_file.empty()) {
    auto catalogue = sessions::RewardsCatalogue::load(s.rewards_catalogue_file);
    if (!catalogue.ok()) return catalogue.status();
    options.catalogue = std::move(*catalogue);
  }
  size_t catalogue_size = options.catalogue ? options.catalogue->size() : 0;
  auto& summaries = services.keep(std::make_unique<sessions::SessionSummaries>(
      services.store.sessions(), services.clock, std::move(options)));
  if (!s.require_placed_player) placed_player = nullptr;
  api::add_session_summary_routes(router, game_servers, summaries, services.clock, services.json,
                                  std::move(placed_player));
  api::add_player_routes(router, players, summaries);

  auto& swept =
      services.metrics.counter("sessions_swept_total", "Expired player sessions deleted.").with({});
  sessions::SweeperOptions sweep;
  sweep.interval = std::chrono::seconds(s.sweep_interval_seconds);
  sweep.batch_size = static_cast<size_t>(s.sweep_batch_size);
  auto& sweeper = services.keep(std::make_unique<sessions::SessionSweeper>(
      services.store.sessions(), services.clock, sweep,
      [&swept](int64_t rows) { swept.inc(static_cast<uint64_t>(rows)); }));
  sweeper.start();
  services.log.info("sessions", {{"session_ttl_hours", s.session_ttl_hours},
                                 {"rewards_catalogue_file", s.rewards_catalogue_file},
                                 {"rewards_in_catalogue", static_cast<int64_t>(catalogue_size)},
                                 {"require_placed_player", s.require_placed_player}});
  return {};
}

}  // namespace sapi::app
