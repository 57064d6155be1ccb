#include "matchmaking/ticket_table.h"

#include "matchmaking/ids.h"

namespace sapi::matchmaking {

TicketTable::Probe TicketTable::probe(std::string_view id) { return {ticket_id_hash(id), id}; }

void TicketTable::publish(TicketPtr ticket) {
  Probe p = probe(ticket->ticket_id);
  Shard& s = shard(p);
  {
    std::unique_lock lock(s.mu);
    auto it = s.tickets.find(p);
    if (it != s.tickets.end()) {
      it->ticket = ticket;
    } else {
      s.tickets.insert(Entry{p.hash, ticket});
    }
  }
  std::vector<Wait> woken;
  {
    std::lock_guard lock(s.waits_mu);
    auto it = s.waits.find(ticket->ticket_id);
    if (it == s.waits.end()) return;
    auto& list = it->second;
    for (size_t i = 0; i < list.size();) {
      if (list[i].seen_version < ticket->version) {
        woken.push_back(std::move(list[i]));
        list[i] = std::move(list.back());
        list.pop_back();
      } else {
        ++i;
      }
    }
    if (list.empty()) s.waits.erase(it);
  }
  for (auto& w : woken) w.done(ticket);
}

TicketPtr TicketTable::get(const std::string& id) const {
  Probe p = probe(id);
  Shard& s = shard(p);
  std::shared_lock lock(s.mu);
  auto it = s.tickets.find(p);
  return it == s.tickets.end() ? nullptr : it->ticket;
}

void TicketTable::erase(const std::string& id) {
  Probe p = probe(id);
  Shard& s = shard(p);
  {
    std::unique_lock lock(s.mu);
    auto it = s.tickets.find(p);
    if (it != s.tickets.end()) s.tickets.erase(it);
  }
  std::vector<Wait> woken;
  {
    std::lock_guard lock(s.waits_mu);
    auto it = s.waits.find(id);
    if (it == s.waits.end()) return;
    woken = std::move(it->second);
    s.waits.erase(it);
  }
  for (auto& w : woken) w.done(nullptr);
}

size_t TicketTable::size() const {
  size_t n = 0;
  for (auto& s : shards_) {
    std::shared_lock lock(s.mu);
    n += s.tickets.size();
  }
  return n;
}

void TicketTable::wait(const std::string& id, uint64_t seen_version, Clock::TimePoint deadline,
                       Waiter done) {
  Shard& s = shard(probe(id));
  // Registering under waits_mu before re-reading the ticket closes the gap with publish():
  // a version published after the re-read finds this wait registered.
  std::unique_lock waits_lock(s.waits_mu);
  TicketPtr current = get(id);
  if (!current || current->version > seen_version) {
    waits_lock.unlock();
    done(current);
    return;
  }
  s.waits[id].push_back({seen_version, deadline, std::move(done)});
}

void TicketTable::expire_waiters(Clock::TimePoint now) {
  for (auto& s : shards_) {
    std::vector<std::pair<std::string, Waiter>> expired;
    {
      std::lock_guard lock(s.waits_mu);
      for (auto it = s.waits.begin(); it != s.waits.end();) {
        auto& list = it->second;
        for (size_t i = 0; i < list.size();) {
          if (list[i].deadline <= now) {
            expired.emplace_back(it->first, std::move(list[i].done));
            list[i] = std::move(list.back());
            list.pop_back();
          } else {
            ++i;
          }
        }
        it = list.empty() ? s.waits.erase(it) : std::next(it);
      }
    }
    for (auto& [id, done] : expired) done(get(id));
  }
}

void TicketTable::release_all_waiters() { expire_waiters(Clock::TimePoint::max()); }

}  // namespace sapi::matchmaking
