#pragma once

// The tickets readers see: published by the matchmaking threads, read by request handlers
// without waiting for a cycle. Long polls wait here for a ticket's next version.

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "matchmaking/ticket_view.h"

namespace sapi::matchmaking {

using TicketPtr = std::shared_ptr<const TicketView>;

class TicketTable {
 public:
  // Called with the ticket once it changed, or with its current version when the wait ends.
  using Waiter = std::function<void(TicketPtr)>;

  // Replaces the ticket with this id and wakes its waiters.
  void publish(TicketPtr ticket);
  // The ticket, or null.
  TicketPtr get(const std::string& id) const;
  // Forgets a ticket; its waiters get null.
  void erase(const std::string& id);
  size_t size() const;

  // Runs `done` once the ticket's version is above `seen_version`, or at `deadline` (through
  // expire_waiters) with whatever it is then. Runs it at once when it is already newer or
  // the ticket is unknown (null).
  void wait(const std::string& id, uint64_t seen_version, Clock::TimePoint deadline, Waiter done);
  // Ends every wait whose deadline is at or before `now`.
  void expire_waiters(Clock::TimePoint now);
  // Ends every wait now (shutdown).
  void release_all_waiters();

 private:
  struct Wait {
    uint64_t seen_version;
    Clock::TimePoint deadline;
    Waiter done;
  };
  struct Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, TicketPtr> tickets;
    std::mutex waits_mu;
    std::unordered_map<std::string, std::vector<Wait>> waits;
  };
  static constexpr size_t kShards = 16;
  Shard& shard(const std::string& id) const;

  mutable std::array<Shard, kShards> shards_;
};

}  // namespace sapi::matchmaking
