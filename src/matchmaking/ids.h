#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/keyed_hash.h"

namespace sapi::matchmaking {

// A random version-4 UUID, e.g. for ticket ids the caller did not choose.
std::string random_uuid();
// A version-7 UUID (RFC 9562): the current Unix time in milliseconds, then 74 random bits.
// Ids made later sort after earlier ones (to the millisecond), so the store appends them to
// its id index instead of writing all over it.
std::string time_ordered_uuid();
// `n` random lowercase hex digits.
std::string random_hex(size_t n);
// The hash the ticket maps (the ticket table, each lifecycle's index) key a ticket id by:
// keyed, since callers may choose their ticket ids.
inline size_t ticket_id_hash(std::string_view id) { return keyed_hash(id); }

}  // namespace sapi::matchmaking
