#pragma once

// The [events] section: matchmaking events as server-sent events (GET /matchmaking/events)
// and as webhooks to each configuration's notificationTarget. Keys: docs/configuration.md;
// formats, signature and retries: docs/events.md.

#include <cstdint>
#include <string>

#include "app/config.h"
#include "app/config_binder.h"
#include "base/status.h"

namespace sapi::api {
class PlayerAuth;
}
namespace sapi::http {
class Router;
}
namespace sapi::matchmaking {
class MatchmakingService;
}

namespace sapi::app {

struct Services;

struct EventsConfig {
  int64_t sse_heartbeat_seconds = 15;
  int64_t sse_max_streams_per_player = 3;
  int64_t sse_replay_events = 1024;
  // HMAC-SHA256 key of X-Session-Api-Signature; empty: webhooks are sent unsigned.
  std::string webhook_secret;
  int64_t webhook_max_attempts = 5;
  int64_t webhook_initial_backoff_ms = 500;
  int64_t webhook_max_backoff_ms = 30000;
  int64_t webhook_timeout_ms = 5000;
  int64_t webhook_queue_size = 10000;
  int64_t webhook_threads = 2;
};

// Binds the [events] keys; registered in app/config_sections.cc.
void bind_events_config(ConfigBinder& b, Config& c);

// Mounts GET /matchmaking/events behind `auth` and starts webhook delivery for `service`'s
// events. What it starts is kept by `services` and stopped (webhooks drained within the
// server's shutdown deadline) when they are released.
Status mount_events(Services& services, http::Router& router, const api::PlayerAuth& auth,
                    matchmaking::MatchmakingService& service);

}  // namespace sapi::app
