#include "matchmaking/ticket_view.h"

namespace sapi::matchmaking {
namespace {

constexpr std::string_view kStatusNames[] = {
    "QUEUED",    "SEARCHING", "REQUIRES_ACCEPTANCE", "PLACING",
    "COMPLETED", "FAILED",    "CANCELLED",           "TIMED_OUT",
};

}  // namespace

std::string_view status_name(TicketStatus s) { return kStatusNames[static_cast<int>(s)]; }

std::optional<TicketStatus> parse_status(std::string_view name) {
  for (int i = 0; i < 8; ++i) {
    if (kStatusNames[i] == name) return static_cast<TicketStatus>(i);
  }
  return std::nullopt;
}

bool is_final(TicketStatus s) {
  return s == TicketStatus::kCompleted || s == TicketStatus::kFailed ||
         s == TicketStatus::kCancelled || s == TicketStatus::kTimedOut;
}

bool TicketView::has_player(std::string_view player_id) const {
  for (const auto& p : players) {
    if (p.player_id == player_id) return true;
  }
  return false;
}

void clear_match(TicketView& t) {
  t.match_id.clear();
  t.connection.reset();
  for (auto& p : t.players) {
    if (!t.backfill) p.team.clear();  // a backfill ticket's players stay on their team
    p.player_session_id.clear();
    p.accepted.reset();
  }
}

}  // namespace sapi::matchmaking
