#pragma once

// GET /metrics: the registry in the Prometheus text format. With a non-empty `token`, the
// request must carry "Authorization: Bearer <token>" (else 401), for deployments where the
// port is reachable by more than the scraper.

#include <string>

#include "http/router.h"
#include "obs/metrics.h"

namespace sapi::api {

void add_metrics_route(http::Router& router, const obs::Registry& registry, std::string token);

}  // namespace sapi::api
