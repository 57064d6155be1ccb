#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/write_done.h"

namespace sapi::store {

// A matchmaking ticket as the matchmaker persists it. The store reads only the indexed
// fields; `state` is the matchmaker's own serialization of everything else.
struct TicketRecord {
  std::string id;
  std::string configuration;
  std::string owner_player_id;
  std::string status;     // e.g. SEARCHING; opaque to the store
  bool finished = false;  // no further transitions: COMPLETED, FAILED, CANCELLED, TIMED_OUT
  Clock::TimePoint start_time;
  std::string state;  // serialized by the matchmaker, stored as a blob
  Clock::TimePoint updated_at;
};

// Durable matchmaking tickets: written on every change, read back in full at start-up.
class TicketStore {
 public:
  virtual ~TicketStore() = default;

  // Inserts or replaces the ticket with this id; `done` runs once it is durable.
  virtual void put_ticket(TicketRecord ticket, WriteDone done) = 0;
  Status put_ticket_sync(TicketRecord ticket);

  // The ticket with this id, or kNotFound.
  virtual Result<TicketRecord> get_ticket(const std::string& id) = 0;

  // Every ticket not finished, oldest start_time first: what to resume after a restart.
  virtual Result<std::vector<TicketRecord>> list_unfinished_tickets() = 0;

  // Deletes at most `max_rows` finished tickets last updated before `updated_before`;
  // returns how many it deleted.
  virtual Result<int64_t> purge_finished_tickets(Clock::TimePoint updated_before,
                                                 size_t max_rows) = 0;
};

}  // namespace sapi::store
