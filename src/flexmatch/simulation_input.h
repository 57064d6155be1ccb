#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sapi::flexmatch {

// One player of a ticket as the simulator reads it: attributes in plain JSON (number,
// string, list of strings, map of string to number), latencies in milliseconds per region.
struct PlayerArrival {
  std::string player_id;
  boost::json::object attributes;
  std::vector<std::pair<std::string, int>> latency_ms;
};

// A ticket entering the pool `at` seconds after the start of a simulation.
struct TicketArrival {
  double at = 0;
  std::string ticket_id;
  std::vector<PlayerArrival> players;
};

// Parses a ticket file: one JSON object per line, `{"at": seconds, "ticketId": "...",
// "players": [{"playerId": "...", "attributes": {...}, "latencyInMs": {...}}]}`. Blank lines
// are skipped. Errors name the line. Arrivals are returned sorted by `at` (stable).
Result<std::vector<TicketArrival>> parse_ticket_lines(std::string_view text);

// The inverse of parse_ticket_lines for one arrival (no trailing newline).
std::string ticket_line(const TicketArrival& arrival);

}  // namespace sapi::flexmatch
