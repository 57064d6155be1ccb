#include "app/config_sections.h"

// The table of configuration sections.
//
// To add a section `[foo]`: write app/config_foo.h with `struct FooConfig {...}` (its defaults
// are the built-in defaults), and app/config_foo.cc defining
//
//   void bind_foo_config(ConfigBinder& b, Config& c) {
//     auto& foo = c.section<FooConfig>();
//     b.string("url", foo.url);
//     b.string("client_secret", foo.client_secret, {}, Sensitivity::kSecret);
//   }
//
// then add one line `X("foo", bind_foo_config)` below. Readers get the values with
// `config.section<FooConfig>()`. Environment variables (SESSION_API_FOO_URL), strictness
// (unknown keys, wrong types), `config check` and redaction come with it. Document the keys in
// docs/configuration.md: a unit test checks that every key is there.
#define SAPI_CONFIG_SECTIONS(X)   \
  X("", bind_top_level_config)    \
  X("server", bind_server_config) \
  X("cors", bind_cors_config)     \
  X("store", bind_store_config)   \
  X("auth", bind_auth_config)     \
  X("matchmaking", bind_matchmaking_config) \
  X("events", bind_events_config) \
  X("fleet", bind_fleet_config)   \
  X("sessions", bind_sessions_config)

namespace sapi::app {

#define SAPI_DECLARE_SECTION(name, fn) void fn(ConfigBinder& binder, Config& config);
SAPI_CONFIG_SECTIONS(SAPI_DECLARE_SECTION)
#undef SAPI_DECLARE_SECTION

std::span<const ConfigSection> config_sections() {
#define SAPI_SECTION_ENTRY(name, fn) ConfigSection{name, &fn},
  static const ConfigSection kSections[] = {SAPI_CONFIG_SECTIONS(SAPI_SECTION_ENTRY)};
#undef SAPI_SECTION_ENTRY
  return kSections;
}

}  // namespace sapi::app
