#pragma once

// The [auth] section: player tokens (an external Cognito-style issuer, or the service's own
// local issuer) and game-server SigV4 requests. Keys: docs/configuration.md.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/config_binder.h"
#include "base/result.h"

namespace sapi::api {
class PlayerAuth;
}
namespace sapi::auth {
class LocalIssuer;
}
namespace sapi::http {
class Router;
}

namespace sapi::app {

struct Services;

struct AuthConfig {
  // Player tokens from an external issuer. Empty issuer: the local issuer runs instead.
  std::string issuer;                   // e.g. https://cognito-idp.{region}.amazonaws.com/{poolId}
  std::string jwks_url;                 // default {issuer}/.well-known/jwks.json
  std::string jwks_file;                // a JWKS file instead of a URL
  std::string token_use = "id";         // "id", "access" or "both"
  std::vector<std::string> client_ids;  // empty: any
  int64_t clock_skew_seconds = 30;
  std::vector<std::string> required_groups;  // any one of them; empty: none required
  std::string player_id_claim = "sub";
  bool trust_body_player_id = false;
  int64_t token_cache_seconds = 300;  // 0 disables the verified-token cache
  int64_t jwks_timeout_ms = 3000;

  // The local issuer (only without `issuer`).
  std::string local_issuer;  // default http://{server.listen}/local
  std::string local_client_id = "session-api-local";
  int64_t local_token_ttl_seconds = 3600;

  // Game-server requests (AWS SigV4).
  std::string sigv4_service = "execute-api";
  std::string sigv4_region;  // default: aws_region
  bool allow_unsigned_payload = false;
  std::string credentials_file;  // default: {data_dir}/credentials.json
};

// Binds the [auth] keys; registered in app/config_sections.cc.
void bind_auth_config(ConfigBinder& b, Config& c);

// The effective SigV4 region and credentials file, with their defaults applied.
std::string sigv4_region(const Config& config);
std::string credentials_file(const Config& config);

// The local issuer's "iss": auth.local_issuer, else what the running service recorded in the
// data directory (so that `session-api token` matches a service started with --listen),
// else http://{server.listen}/local.
std::string local_issuer_url(const Config& config);

// Opens (creating on first use) the local issuer's key in the data directory.
Result<std::unique_ptr<auth::LocalIssuer>> open_local_issuer(const Config& config);

// Sets up player authentication as configured, logs loudly which mode it runs in (and
// warns about trust_body_player_id), mounts GET /identity/player and, in local mode,
// GET /.well-known/jwks.json, and returns the PlayerAuth for other route groups. Objects are
// kept alive by `services`. Fails when the configuration cannot work (e.g. both jwks_url and
// jwks_file, or an unreadable JWKS file); an unreachable JWKS URL only logs an error, since
// keys are fetched again when a token needs them.
Result<api::PlayerAuth*> mount_player_auth(Services& services, http::Router& router);

}  // namespace sapi::app
