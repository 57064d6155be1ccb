#include "app/game_servers.h"

#include "app/config_auth.h"
#include "auth/credential_store.h"

namespace sapi::app {

Result<api::GameServerAuth*> mount_game_server_auth(Services& services, http::Router& router) {
  const Config& config = services.config;
  const AuthConfig& auth_config = config.section<AuthConfig>();
  std::string file = credentials_file(config);
  auto& store = services.keep(std::make_unique<auth::CredentialStore>(file));
  if (Status loaded = store.load(); !loaded.ok()) {
    services.log.error("cannot load the game-server credentials", {{"error", loaded.message()}});
    return loaded;
  }
  obs::Logger& log = services.log;
  store.set_reload_listener([&log, file](size_t count, const std::string& error) {
    if (error.empty()) {
      log.info("game-server credentials reloaded", {{"file", file}, {"credentials", count}});
    } else {
      log.error("game-server credentials not reloaded; keeping the previous set",
                {{"file", file}, {"error", error}});
    }
  });

  auth::sigv4::VerifierOptions options;
  options.region = sigv4_region(config);
  options.service = auth_config.sigv4_service;
  options.allow_unsigned_payload = auth_config.allow_unsigned_payload;
  auto& game_servers = services.keep(std::make_unique<api::GameServerAuth>(
      std::make_unique<auth::sigv4::Verifier>(options, store, services.clock)));
  api::add_game_server_identity_routes(router, game_servers);
  services.log.info("game-server auth: AWS SigV4",
                    {{"service", options.service},
                     {"region", options.region},
                     {"credentials_file", file},
                     {"credentials", store.size()},
                     {"allow_unsigned_payload", options.allow_unsigned_payload}});
  if (options.allow_unsigned_payload) {
    services.log.warn("auth.allow_unsigned_payload is on: signed requests may carry any body");
  }
  return &game_servers;
}

}  // namespace sapi::app
