#pragma once

// SQLite's default page cache, with one pathological cost removed. Private to store/.
//
// When a B-tree page splits, SQLite puts the new sibling pages in ascending order by parking
// one page at a temporary page number (the lock page, 262145 with 4 KiB pages). The default
// cache remembers the largest page number it has ever held, and every commit asks it to drop
// pages past the end of the database; a remembered number that far past the end makes it scan
// its whole hash table, one integer division per bucket. With a 64 MiB cache that was a fifth
// of the store writer's time under a stream of inserts into B-trees keyed at random. This
// cache keeps its own bound on the page numbers it holds, not counting a page parked at the
// temporary number, and passes a drop on only when a page may be there to drop.

#include <cstdint>

namespace sapi::store {

// Installs the cache for every connection opened afterwards. Only possible before SQLite
// initialises; returns false (and changes nothing) after that.
bool install_page_cache();

// Drops passed on to SQLite's cache (each may scan it) and drops answered without doing so,
// since start-up, over all connections.
struct PageCacheCounts {
  uint64_t truncates_passed_on = 0;
  uint64_t truncates_skipped = 0;
};
PageCacheCounts page_cache_counts();

}  // namespace sapi::store
