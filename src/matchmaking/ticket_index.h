#pragma once

// A lifecycle's tickets by id. Under a steady start load it holds every ticket not yet purged,
// hundreds of thousands of them, and each start looks tickets up several times: an
// open-addressing table keeps a look-up to a few cache misses where a node-based map walked a
// chain of nodes. Each ticket lives at its own address, which stays valid until it is erased,
// and its key is a view of its own id with the id's hash, so the table holds no copy of it.

#include <boost/unordered/unordered_flat_map.hpp>
#include <cassert>
#include <memory>
#include <string_view>

#include "matchmaking/ids.h"
#include "matchmaking/ticket_view.h"

namespace sapi::matchmaking {

class TicketIndex {
 public:
  // The ticket with this id, or null.
  TicketView* find(std::string_view id) const {
    auto it = map_.find(Key::of(id));
    return it == map_.end() ? nullptr : it->second.get();
  }
  // The ticket with this id, which must be there.
  TicketView& at(std::string_view id) const {
    TicketView* t = find(id);
    assert(t && "a ticket the lifecycle refers to is in its index");
    return *t;
  }
  // Adds the ticket unless one with its id is there; returns the one kept and whether it is
  // the new one. The id of a ticket in the index must not change.
  std::pair<TicketView*, bool> insert(TicketView ticket) {
    Key key = Key::of(ticket.ticket_id);
    auto it = map_.find(key);
    if (it != map_.end()) return {it->second.get(), false};
    auto owned = std::make_unique<TicketView>(std::move(ticket));
    TicketView* t = owned.get();
    key.id = t->ticket_id;
    map_.emplace(key, std::move(owned));
    return {t, true};
  }
  void erase(std::string_view id) { map_.erase(Key::of(id)); }
  // Calls `f` with every ticket, in no particular order, then forgets them all; `f` may move
  // the ticket away but must not look tickets up.
  template <typename F>
  void drain(F&& f) {
    for (auto& [id, t] : map_) f(*t);
    map_.clear();
  }
  size_t size() const { return map_.size(); }

 private:
  // The id's hash is kept beside the view of it: growing the table then never reads the
  // tickets' ids again, and a look-up compares an id only when the whole hash matches.
  struct Key {
    std::string_view id;
    size_t hash;
    static Key of(std::string_view id) { return {id, ticket_id_hash(id)}; }
    bool operator==(const Key& o) const { return hash == o.hash && id == o.id; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.hash; }
  };
  boost::unordered_flat_map<Key, std::unique_ptr<TicketView>, KeyHash> map_;
};

}  // namespace sapi::matchmaking
