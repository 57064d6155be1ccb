#pragma once

// Where every route group is mounted. Services carries what handlers need; objects that must
// live as long as the server (verifiers, domain services) are handed to Services::keep().

#include <functional>
#include <memory>
#include <vector>

#include "api/json_body.h"
#include "app/config.h"
#include "base/clock.h"
#include "http/router.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "store/store.h"

namespace sapi::app {

struct Services {
  Services(const Config& config, store::Store& store, obs::Registry& metrics, obs::Logger& log,
           const Clock& clock, api::JsonLimits json)
      : config(config), store(store), metrics(metrics), log(log), clock(clock), json(json) {}
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;
  // Newest first also on early returns, since later objects use earlier ones (the matchmaking
  // service gives its placements back to the fleet when it stops).
  ~Services() { release(); }

  const Config& config;
  store::Store& store;
  obs::Registry& metrics;
  obs::Logger& log;
  const Clock& clock;
  api::JsonLimits json;
  // Run on SIGHUP, in the order added, on the main thread: reload what can change without a
  // restart.
  std::vector<std::function<void()>> reload_hooks;

  // Keeps `object` alive until the server has stopped, and returns it.
  template <typename T>
  T& keep(std::unique_ptr<T> object) {
    T& ref = *object;
    kept_.push_back(std::shared_ptr<T>(std::move(object)));
    return ref;
  }
  // Releases what keep() holds, newest first (after the server has stopped).
  void release() {
    while (!kept_.empty()) kept_.pop_back();
  }

 private:
  std::vector<std::shared_ptr<void>> kept_;
};

// Every route of the service: health and metrics, then each route group. Fails when a
// group's configuration cannot be used (e.g. a verifier that cannot load its keys).
Result<http::Router> build_router(Services& services);

}  // namespace sapi::app
