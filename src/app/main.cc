#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App root{"session-api: matchmaking, game sessions and rewards for multiplayer games"};
  root.require_subcommand(1);
  int exit_code = 0;
  sapi::app::add_version_command(root, exit_code);
  sapi::app::add_config_command(root, exit_code);
  sapi::app::add_serve_command(root, exit_code);
  sapi::app::add_credentials_command(root, exit_code);
  sapi::app::add_ruleset_command(root, exit_code);
  sapi::app::add_token_command(root, exit_code);
  sapi::app::add_simulate_command(root, exit_code);
  sapi::app::add_demo_command(root, exit_code);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e);
  }
  return exit_code;
}
