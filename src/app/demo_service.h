#pragma once

// The service the demo talks to: its own `serve` child process on a free loopback port, or a
// service already running (--url) that shares the demo's data directory. Tokens come from the
// local issuer and game-server keys from the credentials file of that data directory.

#include <memory>
#include <string>

#include "base/result.h"
#include "session_api/sigv4.h"

namespace sapi::app {

struct DemoServiceOptions {
  std::string url;          // empty: start a service
  std::string data_dir;     // the service's data directory
  std::string config_file;  // passed to serve (and read for tokens and credentials), optional
  std::string log_file;     // the child's stdout and stderr
};

class DemoService {
 public:
  // Starts (or reaches) the service and waits until /health/ready answers 200.
  static Result<std::unique_ptr<DemoService>> open(const DemoServiceOptions& options);
  ~DemoService();  // stops a service it started (SIGTERM, then SIGKILL after 10 s)

  const std::string& base_url() const { return base_url_; }
  const std::string& region() const { return region_; }  // the service's SigV4 region

  // An ID token for `player` from the local issuer, valid for an hour.
  Result<std::string> token(const std::string& player) const;
  // A new game-server key in the credentials file (the service picks it up within a second).
  Result<session_api::Credentials> create_credentials(const std::string& name) const;
  // Stops a started service and answers its exit code (0 for a reached one).
  int stop();

 private:
  struct State;
  explicit DemoService(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  std::string base_url_;
  std::string region_;
};

}  // namespace sapi::app
