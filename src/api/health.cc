#include "api/health.h"

#include <memory>

namespace sapi::api {

void add_health_routes(http::Router& router, std::function<Status()> ready) {
  router.add(http::Method::kGet, "/health/live", [](http::Request&, http::Responder responder) {
    responder.send(http::Response::json(200, R"({"status":"ok"})"));
  });
  auto check = std::make_shared<std::function<Status()>>(std::move(ready));
  router.add(http::Method::kGet, "/health/ready",
             [check](http::Request&, http::Responder responder) {
               Status status = (*check)();
               if (status.ok()) {
                 responder.send(http::Response::json(200, R"({"status":"ok"})"));
               } else {
                 responder.send(http::json_error(503, "NOT_READY", status.message()));
               }
             });
}

}  // namespace sapi::api
