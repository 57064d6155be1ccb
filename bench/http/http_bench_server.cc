// Serves GET /health/live -> {"status":"ok"} with the project's HTTP server and nothing else.
// Usage: http_bench_server PORT [THREADS]. Stops on SIGINT or SIGTERM.

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "http/server.h"

int main(int argc, char** argv) {
  using namespace sapi::http;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by the I/O threads

  ServerOptions options;
  options.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  options.threads = argc > 2 ? std::atoi(argv[2]) : 1;
  Router router;
  router.add(Method::kGet, "/health/live", [](Request&, Responder r) {
    r.send(Response::json(200, R"({"status":"ok"})"));
  });
  auto server = make_server(options, std::move(router), nullptr);
  if (auto s = server->start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.to_string().c_str());
    return 1;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  server->shutdown();
  return 0;
}
