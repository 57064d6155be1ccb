// The game-server registration and heartbeat bodies on arbitrary bytes: a signed game server
// is still a client on the network, and its bodies go through the same JSON limits as every
// other request. The first byte picks the decoder; a registration that decodes must carry
// the ranges it promises.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/game_server_bodies.h"

// Holds in every build type (SAPI_FUZZ_CHECK() may be compiled out).
#define SAPI_FUZZ_CHECK(cond) \
  if (!(cond)) __builtin_trap()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sapi;
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  api::JsonLimits limits;
  if (data[0] & 1) {
    auto beat = api::decode_heartbeat(body, limits);
    if (beat.ok() && beat->player_count) {
      SAPI_FUZZ_CHECK(*beat->player_count >= 0 && *beat->player_count <= 100000);
    }
    return 0;
  }
  auto object = api::parse_json_object(body, limits);
  if (!object.ok()) return 0;
  auto spec = api::decode_registration(*object);
  if (spec.ok()) {
    SAPI_FUZZ_CHECK(spec->port >= 1 && spec->port <= 65535);
    SAPI_FUZZ_CHECK(spec->max_players >= 1 && spec->max_players <= 200);
    for (const std::string* field : {&spec->ip_address, &spec->dns_name, &spec->location}) {
      for (char ch : *field) SAPI_FUZZ_CHECK(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f);
    }
  }
  return 0;
}
