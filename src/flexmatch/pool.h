#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/keyed_hash.h"
#include "base/result.h"
#include "flexmatch/rule_set.h"
#include "flexmatch/ticket.h"

namespace sapi::flexmatch {

// The waiting tickets of one matchmaker, addressed by a stable slot number. Slots are reused
// after a ticket leaves, so a slot is only meaningful while its ticket waits.
//
// Alongside each ticket the pool keeps what the builders read on every candidate test, so
// that the inner loop touches a small flat record instead of the ticket's strings: its
// submission time, size, backfill flag, whether it can match at all, and its per-region
// worst latency (the largest latency of any of its players to that region, regions interned
// per pool).
class TicketPool {
 public:
  // Regions beyond this many distinct names are not interned; tickets whose latencies name
  // them are still evaluated exactly, only without the latency shortcut.
  static constexpr size_t kMaxInternedRegions = 64;

  struct Hot {
    int64_t submitted_ms = 0;
    uint32_t seq = 0;  // arrival order among tickets submitted at the same millisecond
    uint8_t players = 0;
    bool backfill = false;
    bool matchable = true;  // false: a player lacks an attribute or latency data
    bool live = false;
    bool regions_exact = true;  // false: some region was not interned
    // Offset into region_latency_ (kMaxInternedRegions entries per slot, kNoLatency when the
    // ticket reported nothing for a region). Only used when the rule set has a latency rule.
  };
  static constexpr uint16_t kNoLatency = 0xFFFF;

  explicit TicketPool(const RuleSet& rules);

  // Adds a ticket. Errors: an empty or duplicate ticket id, no players or more than 10,
  // attributes not decoded against this rule set.
  Status add(Ticket ticket);
  // Removes a waiting ticket; false if it is not waiting.
  bool cancel(std::string_view ticket_id);
  // Removes the ticket in `slot` and hands it over.
  Ticket take(uint32_t slot);

  size_t size() const { return by_id_.size(); }
  // One past the highest slot ever used: iterate 0..slot_count() and test live().
  uint32_t slot_count() const { return static_cast<uint32_t>(hot_.size()); }
  bool live(uint32_t slot) const { return hot_[slot].live; }
  const Ticket& ticket(uint32_t slot) const { return tickets_[slot]; }
  const Hot& hot(uint32_t slot) const { return hot_[slot]; }
  // Slot of a waiting ticket, or -1.
  int64_t find(std::string_view ticket_id) const;
  // Why the ticket in `slot` can never match, or empty.
  const std::string& unmatchable_reason(uint32_t slot) const { return why_[slot]; }

  // Interned regions and the ticket's worst latency per region (kNoLatency when unknown).
  const std::vector<std::string>& regions() const { return region_names_; }
  const uint16_t* region_latency(uint32_t slot) const {
    return region_latency_.data() + static_cast<size_t>(slot) * kMaxInternedRegions;
  }
  bool tracks_latency() const { return tracks_latency_; }

  // The smallest, largest and summed value of a number attribute over the ticket's players
  // (count = players), kept flat so that the builders do not chase the ticket's pointers.
  struct NumberStats {
    double min = 0, max = 0, sum = 0;
  };
  const NumberStats& number_stats(uint32_t slot, int attribute) const {
    return number_stats_[static_cast<size_t>(slot) * rules_.attributes.size() + attribute];
  }

 private:
  int intern_region(const std::string& name);
  static Status already_exists_error(const std::string& id);

  const RuleSet& rules_;
  bool tracks_latency_ = false;
  // std::deque keeps tickets in place, so the ids the index views stay valid.
  std::deque<Ticket> tickets_;
  std::vector<Hot> hot_;
  std::vector<std::string> why_;
  std::vector<uint16_t> region_latency_;
  std::vector<NumberStats> number_stats_;
  std::vector<uint32_t> free_;
  std::unordered_map<std::string_view, uint32_t, KeyedHash, std::equal_to<>> by_id_;
  std::vector<std::string> region_names_;
  uint32_t next_seq_ = 0;
};

}  // namespace sapi::flexmatch
