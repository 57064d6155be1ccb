#pragma once

// The configuration turned into each module's own options: app is the one place that knows
// both sides.

#include "api/json_body.h"
#include "app/config.h"
#include "base/result.h"
#include "http/server.h"
#include "obs/log.h"
#include "store/options.h"

namespace sapi::app {

// Fails when server.listen cannot be split into host and port (config validation prevents it).
Result<http::ServerOptions> http_options(const Config& config);
store::StoreOptions store_options(const Config& config);
obs::LogOptions log_options(const Config& config);
api::JsonLimits json_limits(const Config& config);

}  // namespace sapi::app
