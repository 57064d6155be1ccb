#pragma once

// GET /health/live: 200 {"status":"ok"} while the process serves.
// GET /health/ready: 200 {"status":"ok"} when `ready` says ok (the store answers a ping),
// else 503 {"error":"NOT_READY","message":...}.

#include <functional>

#include "base/status.h"
#include "http/router.h"

namespace sapi::api {

void add_health_routes(http::Router& router, std::function<Status()> ready);

}  // namespace sapi::api
