#pragma once

#include <optional>
#include <string_view>

#include "base/clock.h"

namespace sapi::sessions {

// Parses an ISO-8601 date-time as game servers send it: `YYYY-MM-DDTHH:MM:SS`, optionally
// a fraction of up to 9 digits, then `Z` or an offset `+HH:MM` / `-HH:MM` (or `+HHMM`).
// Returns nothing for anything else, including impossible dates such as February 30 and
// years a Clock::TimePoint cannot hold (before 1678 or after 2261).
std::optional<Clock::TimePoint> parse_iso8601(std::string_view text);

}  // namespace sapi::sessions
