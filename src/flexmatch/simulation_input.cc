#include "flexmatch/simulation_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace sapi::flexmatch {
namespace {

namespace json = boost::json;

Result<PlayerArrival> parse_player(const json::value& v, size_t line, size_t index) {
  auto where = [&] { return fmt::format("line {}: players[{}]", line, index); };
  if (!v.is_object()) return invalid_argument(where() + ": expected an object");
  const auto& o = v.get_object();
  PlayerArrival p;
  const auto* id = o.if_contains("playerId");
  if (id == nullptr || !id->is_string() || id->get_string().empty()) {
    return invalid_argument(where() + ".playerId: expected a non-empty string");
  }
  p.player_id = std::string(id->get_string());
  if (const auto* attrs = o.if_contains("attributes")) {
    if (!attrs->is_object()) return invalid_argument(where() + ".attributes: expected an object");
    p.attributes = attrs->get_object();
  }
  if (const auto* lat = o.if_contains("latencyInMs")) {
    if (!lat->is_object()) return invalid_argument(where() + ".latencyInMs: expected an object");
    for (const auto& [region, ms] : lat->get_object()) {
      if (!ms.is_number()) {
        return invalid_argument(
            fmt::format("{}.latencyInMs.{}: expected a number", where(), std::string(region)));
      }
      double d = ms.to_number<double>();
      if (!std::isfinite(d) || d < 0 || d > 1e6) {
        return invalid_argument(
            fmt::format("{}.latencyInMs.{}: expected 0..1000000", where(), std::string(region)));
      }
      p.latency_ms.emplace_back(std::string(region), static_cast<int>(std::lround(d)));
    }
  }
  return p;
}

Result<TicketArrival> parse_line(std::string_view text, size_t line) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return invalid_argument(fmt::format("line {}: not JSON: {}", line, ec.message()));
  if (!v.is_object()) return invalid_argument(fmt::format("line {}: expected an object", line));
  const auto& o = v.get_object();
  TicketArrival t;
  const auto* at = o.if_contains("at");
  if (at == nullptr || !at->is_number() || !std::isfinite(at->to_number<double>()) ||
      at->to_number<double>() < 0) {
    return invalid_argument(fmt::format("line {}: at: expected seconds >= 0", line));
  }
  t.at = at->to_number<double>();
  const auto* id = o.if_contains("ticketId");
  if (id == nullptr || !id->is_string() || id->get_string().empty()) {
    return invalid_argument(fmt::format("line {}: ticketId: expected a non-empty string", line));
  }
  t.ticket_id = std::string(id->get_string());
  const auto* players = o.if_contains("players");
  if (players == nullptr || !players->is_array() || players->get_array().empty()) {
    return invalid_argument(fmt::format("line {}: players: expected a non-empty array", line));
  }
  size_t i = 0;
  for (const auto& pv : players->get_array()) {
    auto p = parse_player(pv, line, i++);
    if (!p.ok()) return p.status();
    t.players.push_back(std::move(*p));
  }
  return t;
}

}  // namespace

Result<std::vector<TicketArrival>> parse_ticket_lines(std::string_view text) {
  std::vector<TicketArrival> out;
  size_t line = 0;
  while (!text.empty()) {
    ++line;
    size_t nl = text.find('\n');
    std::string_view one = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (one.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto t = parse_line(one, line);
    if (!t.ok()) return t.status();
    out.push_back(std::move(*t));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TicketArrival& a, const TicketArrival& b) { return a.at < b.at; });
  return out;
}

std::string ticket_line(const TicketArrival& arrival) {
  json::array players;
  for (const auto& p : arrival.players) {
    json::object lat;
    for (const auto& [region, ms] : p.latency_ms) lat[region] = ms;
    json::object po{{"playerId", p.player_id}, {"attributes", p.attributes}};
    if (!lat.empty()) po["latencyInMs"] = std::move(lat);
    players.push_back(std::move(po));
  }
  json::object o{{"at", arrival.at}, {"ticketId", arrival.ticket_id}, {"players", players}};
  return json::serialize(o);
}

}  // namespace sapi::flexmatch
