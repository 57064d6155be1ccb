#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "flexmatch/pool.h"
#include "flexmatch/rule_set.h"

namespace sapi::flexmatch {

struct BatchOptions {
  // FlexMatch forms more batches as the pool grows "to maintain optimal batch size"; this is
  // that size. It bounds the work per anchor, which keeps a cycle linear in the pool.
  size_t max_batch_tickets = 2048;
};

// Splits the pool's matchable tickets into batches, following the rule set's algorithm block:
//  - batchDistance rules first partition the pool: equal strings, or numbers sorted and cut
//    wherever the spread would exceed maxDistance (taken at the oldest ticket's age);
//  - `random` shuffles, `sorted` orders by sortByAttributes (party average for numbers),
//    `largestPopulation` groups tickets by the acceptable region shared by most tickets,
//    `fastestRegion` by each ticket's lowest-latency region;
//  - every group is cut into near-equal batches of at most max_batch_tickets;
//  - each batch is ordered by age, oldest first, with backfill tickets first (`high`) or last
//    (`low`) as backfillPriority says.
// `now_ms` gives ages. Deterministic for a given rng state.
std::vector<std::vector<uint32_t>> form_batches(const TicketPool& pool, const RuleSet& rules,
                                                const BatchOptions& options, int64_t now_ms,
                                                std::mt19937_64& rng);

// The ticket's value for ordering by a number attribute: party average; nullopt if absent.
std::optional<double> ticket_number(const Ticket& t, int attribute);

}  // namespace sapi::flexmatch
