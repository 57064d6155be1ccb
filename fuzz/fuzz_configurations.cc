// The matchmaking configurations document on arbitrary bytes. The operator writes it, but a
// mistake in it must be a clear error at start-up or reload, never a crash. Rule-set files
// are read beside it: a folder made once holds `two-teams.json` (a valid rule set) and
// `broken.json` (not JSON), so that seeds can name either.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "matchmaking/configuration.h"

namespace {

std::string make_rules_dir() {
  char pattern[] = "/tmp/fuzz_configurations.XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (dir == nullptr) std::abort();
  std::ofstream(std::string(dir) + "/two-teams.json")
      << sapi::matchmaking::embedded_rule_set("two-teams.json");
  std::ofstream(std::string(dir) + "/broken.json") << "{\"name\": ";
  static std::string removed_at_exit = dir;
  std::atexit([] { std::filesystem::remove_all(removed_at_exit); });
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sapi::matchmaking;
  static const std::string dir = make_rules_dir();
  std::string_view document(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_configurations(document, dir);
  if (!parsed.ok()) return 0;
  for (const auto& c : *parsed) {
    if (!c.rules) __builtin_trap();  // a configuration that parses has its rule set
    (void)c.arn("eu-west-1");
    (void)flex_match_mode_name(c.flex_match_mode);
    (void)backfill_mode_name(c.backfill_mode);
  }
  return 0;
}
