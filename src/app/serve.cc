#include "app/serve.h"

#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <iostream>

#include "app/module_options.h"
#include "app/observers.h"
#include "app/routes.h"
#include "app/version.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "store/store.h"

namespace sapi::app {
namespace {

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);  // reload, not stop
  return set;
}

// Must run before any thread starts, so that every thread inherits the mask and the signals
// reach only sigwait() in the main thread.
void block_shutdown_signals() {
  sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int wait_for_shutdown_signal(const Services& services) {
  sigset_t set = shutdown_signals();
  int sig = 0;
  for (;;) {
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    for (const auto& reload : services.reload_hooks) reload();
  }
  sigdelset(&set, SIGHUP);
  // The main thread is now the only one that takes these signals with their default action:
  // a second Ctrl-C ends a shutdown that takes too long.
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  return sig;
}

std::string tags_text(const std::map<std::string, std::string>& tags) {
  std::string out;
  for (const auto& [k, v] : tags) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

std::string absolute(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace

int serve(const Config& config) {
  block_shutdown_signals();

  auto opened_log = obs::open_logger(log_options(config));
  if (!opened_log.ok()) {
    std::cerr << "session-api: " << opened_log.status().message() << "\n";
    return 1;
  }
  obs::set_logger(std::move(*opened_log));
  obs::Logger& log = obs::logger();

  auto server_options = http_options(config);
  if (!server_options.ok()) {
    log.error("invalid configuration", {{"error", server_options.status().message()}});
    return 1;
  }

  obs::Registry registry;
  registry.add_collector(obs::process_collector());
  auto store_metrics = std::make_shared<StoreMetrics>(registry);
  auto opened_store = store::open_store(store_options(config), store_metrics);
  if (!opened_store.ok()) {
    log.error("cannot open the store", {{"data_dir", absolute(config.data_dir)},
                                        {"error", opened_store.status().message()}});
    return 1;
  }
  std::unique_ptr<store::Store> store = std::move(*opened_store);

  Services services{config, *store, registry, log, Clock::system(), json_limits(config)};
  auto router = build_router(services);
  if (!router.ok()) {
    log.error("cannot set up the routes", {{"error", router.status().message()}});
    return 1;
  }
  RequestObserver observer(log, registry);
  auto server = http::make_server(*server_options, std::move(*router), &observer);
  Status started = server->start();
  if (!started.ok()) {
    log.error("cannot listen", {{"listen", config.server.listen}, {"error", started.message()}});
    return 1;
  }
  std::string host = server_options->host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  log.info("listening", {{"address", host + ":" + std::to_string(server->port())},
                         {"port", server->port()},
                         {"base_path", config.server.base_path},
                         {"mode", "embedded"},
                         {"store", "sqlite"},
                         {"data_dir", absolute(config.data_dir)},
                         {"version", kVersion},
                         {"project_name", config.project_name},
                         {"environment", config.environment},
                         {"tags", tags_text(config.tags)}});

  int sig = wait_for_shutdown_signal(services);
  log.info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                             {"deadline_ms", config.server.shutdown_deadline_ms}});
  server->shutdown(std::chrono::milliseconds(config.server.shutdown_deadline_ms));
  server->wait();
  server.reset();
  services.release();
  store->close();
  store.reset();
  log.info("stopped", {{"exit_code", 0}});
  log.flush();
  obs::set_logger(nullptr);
  return 0;
}

}  // namespace sapi::app
