#pragma once

// The tickets readers see: published by the matchmaking threads, read by request handlers
// without waiting for a cycle. Long polls wait here for a ticket's next version.

#include <array>
#include <boost/unordered/unordered_flat_set.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/keyed_hash.h"
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
  // A published ticket with its id's hash. Shards hold every ticket not yet purged, hundreds of
  // thousands under a steady start load: open addressing keeps a look-up to a few cache misses
  // where a node-based map walked a chain of nodes, and with the hash kept, inserting a new
  // ticket or growing the set never reads another ticket's id. Replacing `ticket` by a later
  // version of the same ticket keeps the entry's hash and id.
  struct Entry {
    size_t hash;
    mutable TicketPtr ticket;
  };
  struct Probe {
    size_t hash;
    std::string_view id;
  };
  static Probe probe(std::string_view id);
  struct EntryHash {
    using is_transparent = void;
    size_t operator()(const Entry& e) const { return e.hash; }
    size_t operator()(const Probe& p) const { return p.hash; }
  };
  struct EntryEq {
    using is_transparent = void;
    bool operator()(const Entry& a, const Entry& b) const {
      return a.hash == b.hash && a.ticket->ticket_id == b.ticket->ticket_id;
    }
    bool operator()(const Probe& p, const Entry& e) const {
      return p.hash == e.hash && p.id == e.ticket->ticket_id;
    }
    bool operator()(const Entry& e, const Probe& p) const { return (*this)(p, e); }
  };
  struct Shard {
    mutable std::shared_mutex mu;
    boost::unordered_flat_set<Entry, EntryHash, EntryEq> tickets;
    std::mutex waits_mu;
    KeyedMap<std::vector<Wait>> waits;
  };
  static constexpr size_t kShards = 16;
  Shard& shard(const Probe& p) const { return shards_[p.hash % kShards]; }

  mutable std::array<Shard, kShards> shards_;
};

}  // namespace sapi::matchmaking
