#include "flexmatch/ticket_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace sapi::flexmatch {
namespace json = boost::json;

Player new_player(const RuleSet& rs, std::string id) {
  Player p;
  p.id = std::move(id);
  p.attributes.reserve(rs.attributes.size());
  for (const auto& a : rs.attributes) p.attributes.push_back(a.default_value);
  return p;
}

namespace {

struct Keys {
  std::string_view id, attributes, team, latency;
  bool gamelift;
};
constexpr Keys kGameLift{"PlayerId", "PlayerAttributes", "Team", "LatencyInMs", true};
constexpr Keys kPlain{"playerId", "attributes", "team", "latencyInMs", false};

Status read_latencies(const json::value& v, std::string_view key, Player& p) {
  if (!v.is_object()) return invalid_argument(fmt::format("{}: expected an object", key));
  for (const auto& kv : v.get_object()) {
    const std::string region(kv.key());
    if (region.empty()) return invalid_argument(fmt::format("{}: empty region name", key));
    if (!kv.value().is_number()) {
      return invalid_argument(fmt::format("{}.{}: expected a number of milliseconds, found {}", key,
                                          region, json::serialize(kv.value())));
    }
    const double ms = kv.value().to_number<double>();
    if (!std::isfinite(ms) || ms < 0 || ms > 1e6) {
      return invalid_argument(fmt::format("{}.{}: expected 0 to 1000000 ms", key, region));
    }
    p.latencies.push_back({region, static_cast<int>(std::lround(ms))});
  }
  std::sort(p.latencies.begin(), p.latencies.end(),
            [](const auto& a, const auto& b) { return a.region < b.region; });
  return {};
}

Result<Player> read_player(const json::value& v, const RuleSet& rs, const Keys& k) {
  if (!v.is_object()) return invalid_argument("expected a player object");
  const auto& o = v.get_object();
  const auto* id = o.if_contains(k.id);
  if (id == nullptr || !id->is_string() || id->get_string().empty() ||
      id->get_string().size() > 1024) {
    return invalid_argument(fmt::format("{}: expected a string of 1 to 1024 characters", k.id));
  }
  Player p = new_player(rs, std::string(id->get_string()));
  if (const auto* attrs = o.if_contains(k.attributes)) {
    if (!attrs->is_object()) {
      return invalid_argument(fmt::format("{}: expected an object", k.attributes));
    }
    for (const auto& kv : attrs->get_object()) {
      const int idx = rs.attribute_index(kv.key());
      if (idx < 0) continue;
      auto val = k.gamelift ? attribute_from_gamelift(kv.value(), rs.attributes[idx].type)
                            : attribute_from_plain_json(kv.value(), rs.attributes[idx].type);
      if (!val.ok()) {
        return invalid_argument(
            fmt::format("{}.{}: {}", k.attributes, std::string(kv.key()), val.status().message()));
      }
      p.attributes[idx] = std::move(*val);
    }
  }
  if (const auto* team = o.if_contains(k.team)) {
    if (!team->is_string()) return invalid_argument(fmt::format("{}: expected a string", k.team));
    const int t = rs.team_index(team->get_string());
    if (t < 0) {
      return invalid_argument(fmt::format("{}: the rule set has no team \"{}\"", k.team,
                                          std::string(team->get_string())));
    }
    p.team = t;
  }
  if (const auto* lat = o.if_contains(k.latency)) {
    SAPI_RETURN_IF_ERROR(read_latencies(*lat, k.latency, p));
  }
  return p;
}

}  // namespace

Result<Player> player_from_gamelift(const json::value& v, const RuleSet& rs) {
  return read_player(v, rs, kGameLift);
}

Result<Player> player_from_plain_json(const json::value& v, const RuleSet& rs) {
  return read_player(v, rs, kPlain);
}

}  // namespace sapi::flexmatch
