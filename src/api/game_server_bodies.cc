#include "api/game_server_bodies.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "base/text.h"

namespace sapi::api {
namespace json = boost::json;
namespace {

Result<std::string> string_field(const json::object& body, std::string_view key, bool required) {
  const json::value* v = body.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return invalid_argument(std::string(key) + " is required");
    return std::string();
  }
  if (!v->is_string()) return invalid_argument(std::string(key) + " must be a string");
  if (has_control_character(v->get_string())) {
    return invalid_argument(std::string(key) + " must not contain control characters");
  }
  return std::string(v->get_string());
}

Result<int> int_field(const json::object& body, std::string_view key, bool required, int64_t min,
                      int64_t max) {
  const json::value* v = body.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return invalid_argument(std::string(key) + " is required");
    return static_cast<int>(min);
  }
  auto n = v->if_int64();
  auto u = v->if_uint64();
  if (!n && !u) return invalid_argument(std::string(key) + " must be a whole number");
  int64_t value = n ? *n : static_cast<int64_t>(std::min<uint64_t>(*u, INT64_MAX));
  if (value < min || value > max) {
    return invalid_argument(std::string(key) + " must be " + std::to_string(min) + ".." +
                            std::to_string(max));
  }
  return static_cast<int>(value);
}

// Optional fields may be absent or null.
bool present(const json::object& body, std::string_view key) {
  const json::value* v = body.if_contains(key);
  return v && !v->is_null();
}

}  // namespace

Result<fleet::GameServerSpec> decode_registration(const json::object& body) {
  fleet::GameServerSpec spec;
  auto id = string_field(body, "gameServerId", false);
  auto ip = string_field(body, "ipAddress", true);
  auto dns = string_field(body, "dnsName", false);
  auto location = string_field(body, "location", true);
  auto port = int_field(body, "port", true, 1, 65535);
  auto max_players = int_field(body, "maxPlayers", true, 1, 200);
  for (const Status* s : {&id.status(), &ip.status(), &dns.status(), &location.status(),
                          &port.status(), &max_players.status()}) {
    if (!s->ok()) return *s;
  }
  spec.game_server_id = *id;
  spec.ip_address = *ip;
  spec.dns_name = *dns;
  spec.location = *location;
  spec.port = *port;
  spec.max_players = *max_players;
  if (const json::value* labels = body.if_contains("labels"); labels && !labels->is_null()) {
    if (!labels->is_object()) return invalid_argument("labels must be an object of strings");
    for (const auto& [k, v] : labels->get_object()) {
      if (!v.is_string() || has_control_character(k) || has_control_character(v.get_string())) {
        return invalid_argument("labels must be an object of strings without control characters");
      }
      spec.labels[std::string(k)] = std::string(v.get_string());
    }
  }
  return spec;
}

Result<Heartbeat> decode_heartbeat(std::string_view body, const JsonLimits& limits) {
  Heartbeat out;
  if (body.empty()) return out;
  auto parsed = parse_json_object(body, limits);
  if (!parsed.ok()) return parsed.status();
  if (present(*parsed, "playerCount")) {
    auto n = int_field(*parsed, "playerCount", true, 0, 100000);
    if (!n.ok()) return n.status();
    out.player_count = *n;
  }
  if (present(*parsed, "health")) {
    auto h = string_field(*parsed, "health", true);
    if (!h.ok() || (*h != "HEALTHY" && *h != "UNHEALTHY")) {
      return invalid_argument("health must be HEALTHY or UNHEALTHY");
    }
    out.health = *h == "HEALTHY" ? fleet::Health::kHealthy : fleet::Health::kUnhealthy;
  }
  return out;
}

}  // namespace sapi::api
