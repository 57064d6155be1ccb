#pragma once

// The real session-api binary for the SDK's tests: `serve` on a free loopback port with a
// temporary data directory, plus the CLI's token and credentials commands against it.

#include <memory>
#include <string>
#include <vector>

#include "session_api/result.h"
#include "session_api/sigv4.h"

namespace session_api::testing {

class Service {
 public:
  // Starts the binary and waits until /health/ready answers 200. `config_toml`, when not
  // empty, is passed with --config; `files` (name, text) are written beside it first. In
  // both, "@DIR@" stands for that directory. Returns null (and `error`) when it does not
  // come up. `base_path`: the configured server.base_path, where /health/ready is too.
  static std::unique_ptr<Service> start(
      const std::string& config_toml, std::string* error,
      const std::vector<std::pair<std::string, std::string>>& files = {},
      const std::string& base_path = "");
  ~Service();  // SIGTERM, wait, remove the directory

  const std::string& base_url() const { return base_url_; }
  const std::string& data_dir() const { return data_dir_; }
  int port() const { return port_; }
  ClientOptions options() const;

  // A player token from the local issuer (`session-api token`).
  std::string token(const std::string& player) const;
  // New SigV4 credentials (`session-api credentials create`); the region the service checks.
  Credentials credentials(const std::string& name, std::string* region) const;
  // What the process wrote so far.
  std::string log() const;

 private:
  Service() = default;
  std::string cli(const std::vector<std::string>& args) const;

  std::string dir_, data_dir_, config_file_, log_file_, base_url_;
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace session_api::testing
