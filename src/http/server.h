#pragma once

// The HTTP/1.1 server: N I/O threads, each with its own event loop and SO_REUSEPORT acceptor,
// keep-alive and pipelining, limits and time-outs, optional CORS, graceful shutdown.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/router.h"

namespace sapi::http {

struct CorsOptions {
  bool enabled = false;
  // Exact origins such as "https://game.example.com"; "*" allows any origin.
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_headers = {"authorization",        "content-type",
                                              "x-request-id",         "x-amz-date",
                                              "x-amz-security-token", "x-amz-content-sha256"};
  std::vector<std::string> allowed_methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  std::chrono::seconds max_age{600};
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port, see Server::port()
  int threads = 0;            // I/O threads; 0: one per hardware core
  std::string base_path;      // e.g. "/dev": "/dev/x" routes as "/x", other paths are 404

  std::size_t max_header_bytes = 8192;  // request line + headers; above: 431
  std::size_t max_body_bytes = 65536;   // above: 413
  std::size_t max_connections = 10000;  // open connections over all threads; see server.cc

  std::chrono::milliseconds header_timeout{10000};  // first byte to end of headers
  std::chrono::milliseconds body_timeout{30000};    // end of headers to end of body
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30000};   // writing one response

  CorsOptions cors;

  std::chrono::milliseconds shutdown_deadline{10000};
};

// One answered request, as the access log wants it. The views are valid during the call only.
struct AccessRecord {
  std::string_view request_id;
  std::string_view remote_ip;
  std::string_view caller;
  std::string_view user;
  std::chrono::system_clock::time_point request_time;  // when its first byte was read
  std::string_view method;                             // as received
  std::string_view resource_path;                      // the path as received, without the query
  std::string_view route;                              // matched pattern, empty when none matched
  int status = 0;
  std::string_view protocol;            // "HTTP/1.1"
  std::size_t response_length = 0;      // body bytes
  std::chrono::nanoseconds latency{0};  // first byte of the request to the answer being queued
};

// Lets the application log and count without the server knowing about logs or metrics.
// Called from the I/O threads concurrently: implementations must be thread-safe and fast.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_access(const AccessRecord& record) = 0;
  virtual void on_connection_opened() {}
  virtual void on_connection_closed() {}
  virtual void on_request_started() {}   // headers complete, request in flight
  virtual void on_request_finished() {}  // answered (or the connection died meanwhile)
};

class Server {
 public:
  virtual ~Server() = default;

  // Binds and starts the I/O threads. Fails (without throwing) when the address is bad or
  // taken. Call once.
  virtual Status start() = 0;

  // The bound port (useful with port 0); 0 before start().
  virtual std::uint16_t port() const = 0;

  // Stops accepting, lets in-flight requests finish within `deadline`, closes idle keep-alive
  // connections, then force-closes whatever is left and stops the threads. Returns when done.
  // Safe from any thread but the I/O threads; calling it twice is harmless.
  virtual void shutdown(std::chrono::milliseconds deadline) = 0;
  virtual void shutdown() = 0;  // with ServerOptions::shutdown_deadline

  // Blocks until the server has stopped (after shutdown()).
  virtual void wait() = 0;
};

// Creates a server. `observer` may be null; when set it must outlive the server.
std::unique_ptr<Server> make_server(ServerOptions options, Router router, Observer* observer);

}  // namespace sapi::http
