#include <iostream>

#include "app/commands.h"
#include "app/version.h"

namespace sapi::app {

void add_version_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand("version", "Print the version of session-api");
  cmd->callback([&exit_code] {
    std::cout << "session-api " << kVersion << "\n";
    exit_code = 0;
  });
}

}  // namespace sapi::app
