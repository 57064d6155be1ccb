// POST /matchmaking/start's body on arbitrary bytes, decoded as the route does against each
// embedded configuration's rule set (the first byte picks one), and a `players` array also
// as a StartMatchBackfill request.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/json_body.h"
#include "api/matchmaking_request.h"
#include "matchmaking/configuration.h"

// Holds in every build type (assert() may be compiled out).
#define SAPI_FUZZ_CHECK(cond) \
  if (!(cond)) __builtin_trap()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sapi;
  static const std::vector<matchmaking::Configuration> configs =
      matchmaking::embedded_configurations("default");
  if (size == 0) return 0;
  const matchmaking::Configuration& config = configs[data[0] % configs.size()];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto object = api::parse_json_object(body, api::JsonLimits{});
  if (!object.ok()) return 0;
  (void)api::configuration_name(*object);
  const std::string caller = "alice";
  auto request = api::decode_start_request(*object, caller, config);
  if (request.ok()) {
    // The service checks that the caller is among them; the decoder keeps the count and
    // gives every player one value per declared attribute.
    SAPI_FUZZ_CHECK(!request->players.empty() && request->players.size() <= 10);
    for (const auto& p : request->players) {
      SAPI_FUZZ_CHECK(p.attributes.size() == config.rules->attributes.size());
    }
  }
  if (const auto* players = object->if_contains("players"); players && players->is_array()) {
    (void)api::decode_backfill_players(players->get_array(), config);
  }
  return 0;
}
