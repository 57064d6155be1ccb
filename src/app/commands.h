#pragma once

#include <CLI/CLI.hpp>

namespace sapi::app {

// Each subcommand lives in its own cmd_<name>.cc and registers itself on the root CLI here.
// A command's callback sets the process exit code through `exit_code`.
void add_version_command(CLI::App& root, int& exit_code);
void add_config_command(CLI::App& root, int& exit_code);
void add_serve_command(CLI::App& root, int& exit_code);
void add_credentials_command(CLI::App& root, int& exit_code);
void add_ruleset_command(CLI::App& root, int& exit_code);
void add_token_command(CLI::App& root, int& exit_code);
void add_simulate_command(CLI::App& root, int& exit_code);
void add_demo_command(CLI::App& root, int& exit_code);

}  // namespace sapi::app
