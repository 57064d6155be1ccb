#include "flexmatch/pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <chrono>

#include "flexmatch/rule_eval.h"

namespace sapi::flexmatch {

TicketPool::TicketPool(const RuleSet& rules)
    : rules_(rules), tracks_latency_(rules.has_latency_rule()) {}

int TicketPool::intern_region(const std::string& name) {
  for (size_t i = 0; i < region_names_.size(); ++i) {
    if (region_names_[i] == name) return static_cast<int>(i);
  }
  if (region_names_.size() >= kMaxInternedRegions) return -1;
  region_names_.push_back(name);
  return static_cast<int>(region_names_.size() - 1);
}

Status TicketPool::add(Ticket ticket) {
  if (ticket.id.empty()) return invalid_argument("ticket id is empty");
  if (ticket.players.empty() || ticket.players.size() > kMaxPlayersPerTicket) {
    return invalid_argument(fmt::format("ticket {} has {} players; expected 1 to {}", ticket.id,
                                        ticket.players.size(), kMaxPlayersPerTicket));
  }
  for (const auto& p : ticket.players) {
    if (p.attributes.size() != rules_.attributes.size()) {
      return invalid_argument(
          fmt::format("ticket {}: player {} has {} attributes, the rule set "
                      "declares {}",
                      ticket.id, p.id, p.attributes.size(), rules_.attributes.size()));
    }
    if (p.team && (*p.team < 0 || *p.team >= static_cast<int>(rules_.teams.size()))) {
      return invalid_argument(
          fmt::format("ticket {}: player {} is on an unknown team", ticket.id, p.id));
    }
  }
  if (by_id_.contains(ticket.id)) {
    return already_exists_error(ticket.id);
  }
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(hot_.size());
    tickets_.emplace_back();
    hot_.emplace_back();
    why_.emplace_back();
    if (tracks_latency_) region_latency_.resize(region_latency_.size() + kMaxInternedRegions);
    number_stats_.resize(number_stats_.size() + rules_.attributes.size());
  }
  for (size_t a = 0; a < rules_.attributes.size(); ++a) {
    NumberStats st;
    bool first = true;
    for (const auto& p : ticket.players) {
      if (!p.attributes[a].is_number()) continue;
      double x = p.attributes[a].as_number();
      st.min = first ? x : std::min(st.min, x);
      st.max = first ? x : std::max(st.max, x);
      st.sum += x;
      first = false;
    }
    number_stats_[static_cast<size_t>(slot) * rules_.attributes.size() + a] = st;
  }
  Hot& h = hot_[slot];
  h = Hot{};
  h.submitted_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(ticket.submitted.time_since_epoch())
          .count();
  h.seq = next_seq_++;
  h.players = static_cast<uint8_t>(ticket.players.size());
  h.backfill = ticket.backfill;
  h.live = true;
  why_[slot].clear();
  for (const auto& p : ticket.players) {
    if (auto why = flexmatch::unmatchable_reason(rules_, p)) {
      h.matchable = false;
      why_[slot] = fmt::format("player {}: {}", p.id, *why);
      break;
    }
  }
  if (tracks_latency_) {
    uint16_t* lat = region_latency_.data() + static_cast<size_t>(slot) * kMaxInternedRegions;
    std::fill(lat, lat + kMaxInternedRegions, kNoLatency);
    // A region counts for the ticket only if every player reported it.
    std::vector<int> reported(kMaxInternedRegions, 0);
    for (const auto& p : ticket.players) {
      for (const auto& rl : p.latencies) {
        int r = intern_region(rl.region);
        if (r < 0) {
          h.regions_exact = false;
          continue;
        }
        int ms = std::clamp(rl.ms, 0, static_cast<int>(kNoLatency) - 1);
        lat[r] = reported[r] == 0 ? ms : std::max<uint16_t>(lat[r], ms);
        reported[r]++;
      }
    }
    for (size_t r = 0; r < kMaxInternedRegions; ++r) {
      if (reported[r] != static_cast<int>(ticket.players.size())) lat[r] = kNoLatency;
    }
  }
  tickets_[slot] = std::move(ticket);
  by_id_.emplace(std::string_view(tickets_[slot].id), slot);
  return {};
}

Status TicketPool::already_exists_error(const std::string& id) {
  return {Code::kAlreadyExists, fmt::format("ticket {} is already waiting", id)};
}

bool TicketPool::cancel(std::string_view ticket_id) {
  auto it = by_id_.find(ticket_id);
  if (it == by_id_.end()) return false;
  take(it->second);
  return true;
}

Ticket TicketPool::take(uint32_t slot) {
  assert(hot_[slot].live);
  by_id_.erase(std::string_view(tickets_[slot].id));
  hot_[slot].live = false;
  free_.push_back(slot);
  return std::exchange(tickets_[slot], Ticket{});
}

int64_t TicketPool::find(std::string_view ticket_id) const {
  auto it = by_id_.find(ticket_id);
  return it == by_id_.end() ? -1 : it->second;
}

}  // namespace sapi::flexmatch
