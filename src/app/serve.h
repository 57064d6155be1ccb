#pragma once

#include "app/config.h"

namespace sapi::app {

// Runs the service on `config` until SIGTERM or SIGINT: logger, store, routes, HTTP server.
// On the signal: stops accepting, lets in-flight requests finish within
// server.shutdown_deadline_ms, closes the store (every acknowledged write is durable) and
// returns 0. Returns 1 when start-up fails (the reason is logged). A second signal during the
// shutdown ends the process at once.
int serve(const Config& config);

}  // namespace sapi::app
