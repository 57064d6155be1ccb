#include <chrono>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/config.h"
#include "app/config_auth.h"
#include "auth/local_issuer.h"
#include "base/clock.h"

namespace sapi::app {

void add_token_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand(
      "token",
      "Print a player token from the local issuer (the service's own, used when auth.issuer is "
      "not set). Works while the service runs: both use the key in the data directory.");
  struct Flags {
    std::string player;
    int64_t ttl = 0;
    std::vector<std::string> groups;
    std::string config;
    std::string data_dir;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--player", flags->player, "Player id (the token's sub)")->required();
  cmd->add_option("--ttl", flags->ttl, "Lifetime in seconds (default auth.local_token_ttl_seconds)")
      ->check(CLI::Range(int64_t{1}, int64_t{30} * 86400));
  cmd->add_option("--group", flags->groups, "Add a cognito:groups entry (repeatable)");
  cmd->add_option("--config", flags->config, "TOML configuration file, as for serve")
      ->check(CLI::ExistingFile);
  cmd->add_option("--data-dir", flags->data_dir, "Data directory, as for serve");
  cmd->callback([flags, &exit_code] {
    exit_code = 1;
    ConfigSource source;
    if (!flags->config.empty()) source.file = flags->config;
    if (!flags->data_dir.empty()) {
      source.flags.push_back({"data_dir", "--data-dir", flags->data_dir});
    }
    LoadedConfig loaded = load_config(source);
    if (!loaded.ok()) {
      for (const auto& error : loaded.errors) std::cerr << "config error: " << error << "\n";
      return;
    }
    const auto& auth = loaded.config.section<AuthConfig>();
    if (!auth.issuer.empty()) {
      std::cerr << "auth.issuer is set: the service verifies tokens from " << auth.issuer
                << " and not local ones; get a token from that issuer instead\n";
      return;
    }
    if (flags->player.empty()) {
      std::cerr << "--player must not be empty\n";
      return;
    }
    auto issuer = open_local_issuer(loaded.config);
    if (!issuer.ok()) {
      std::cerr << "local issuer: " << issuer.status().message() << "\n";
      return;
    }
    auto ttl = std::chrono::seconds(flags->ttl > 0 ? flags->ttl : auth.local_token_ttl_seconds);
    auto token = issuer.value()->issue(flags->player, ttl, Clock::system().now(), flags->groups);
    if (!token.ok()) {
      std::cerr << "local issuer: " << token.status().message() << "\n";
      return;
    }
    std::cout << token.value() << "\n";
    exit_code = 0;
  });
}

}  // namespace sapi::app
