#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/config.h"
#include "app/serve.h"

namespace sapi::app {

void add_serve_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand(
      "serve",
      "Run the service until SIGTERM or SIGINT. Without a configuration it runs on the "
      "embedded default (SQLite in ./data, 127.0.0.1:8080). Keys: docs/configuration.md");
  struct Flags {
    std::string config;
    std::string listen;
    std::string data_dir;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--config", flags->config, "TOML configuration file")->check(CLI::ExistingFile);
  cmd->add_option("--listen", flags->listen,
                  "HOST:PORT to listen on (server.listen); port 0 picks a free one");
  cmd->add_option("--data-dir", flags->data_dir, "Directory of the embedded database (data_dir)");
  cmd->callback([flags, &exit_code] {
    ConfigSource source;
    if (!flags->config.empty()) source.file = flags->config;
    if (!flags->listen.empty())
      source.flags.push_back({"server.listen", "--listen", flags->listen});
    if (!flags->data_dir.empty()) {
      source.flags.push_back({"data_dir", "--data-dir", flags->data_dir});
    }
    LoadedConfig loaded = load_config(source);
    if (!loaded.ok()) {
      for (const auto& error : loaded.errors) std::cerr << "config error: " << error << "\n";
      exit_code = 1;
      return;
    }
    exit_code = serve(loaded.config);
  });
}

}  // namespace sapi::app
