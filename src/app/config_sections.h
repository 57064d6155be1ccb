#pragma once

#include <span>
#include <string_view>

#include "app/config.h"
#include "app/config_binder.h"

namespace sapi::app {

// One section of the configuration: "" for the top level, else the name of its TOML table.
struct ConfigSection {
  std::string_view name;
  void (*bind)(ConfigBinder& binder, Config& config);
};

// Every section, in the order they are read and printed.
std::span<const ConfigSection> config_sections();

}  // namespace sapi::app
