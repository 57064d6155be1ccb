#include <iostream>

#include "app/commands.h"
#include "app/config.h"

namespace sapi::app {

void add_config_command(CLI::App& root, int& exit_code) {
  auto* config = root.add_subcommand("config", "Inspect the configuration");
  config->require_subcommand(1);
  auto* check = config->add_subcommand(
      "check",
      "Validate the configuration (file, SESSION_API_* environment) and print the effective "
      "one, secrets redacted. Exit 1 listing every error when it is not valid.");
  auto file = std::make_shared<std::string>();
  check->add_option("--config", *file, "TOML configuration file (default: built-in defaults)")
      ->check(CLI::ExistingFile);
  check->callback([file, &exit_code] {
    ConfigSource source;
    if (!file->empty()) source.file = *file;
    LoadedConfig loaded = load_config(source);
    if (!loaded.ok()) {
      for (const auto& error : loaded.errors) std::cerr << "config error: " << error << "\n";
      exit_code = 1;
      return;
    }
    std::cout << render_config(loaded.config);
    exit_code = 0;
  });
}

}  // namespace sapi::app
