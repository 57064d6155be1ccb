#include "flexmatch/trace.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace sapi::flexmatch {

std::string TicketTrace::to_string() const {
  std::string out = fmt::format("ticket {}: ", ticket_id);
  if (matched) return out + fmt::format("matched in {}\n", match_id);
  if (!unmatchable.empty()) return out + "can never match: " + unmatchable + "\n";
  out += fmt::format(
      "waiting after {} cycles; anchored {} passes; tried as a candidate {} times; no team "
      "had room {} times\n",
      cycles, anchored, tried_as_candidate, no_room);
  for (const auto& r : rules) {
    out += fmt::format("  rule {}: failed {}, passed {}", r.rule, r.failed, r.passed);
    if (!r.against.empty()) out += fmt::format(" (against {})", fmt::join(r.against, ", "));
    if (!r.example.empty()) out += ": " + r.example;
    out += "\n";
  }
  if (!last_outcome.empty()) out += "  last pass: " + last_outcome + "\n";
  return out;
}

}  // namespace sapi::flexmatch
