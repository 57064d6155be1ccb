#include "store/page_cache.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>

namespace sapi::store {
namespace {

// SQLite's lock page sits at byte offset 2^30 and is never a database page; B-tree balancing
// uses its number as the parking place (btree.c, balance_nonroot).
constexpr uint64_t kLockByteOffset = 0x40000000;

sqlite3_pcache_methods2 base;  // SQLite's own cache, set once before SQLite initialises
std::atomic<uint64_t> truncates_passed_on{0};
std::atomic<uint64_t> truncates_skipped{0};

// One per connection (and per temporary database); used by one thread at a time, like its
// connection.
struct Cache {
  sqlite3_pcache* inner = nullptr;
  unsigned parking_key = 0;
  unsigned max_key = 0;  // no page number above this is held, the parking place aside
  int parked = 0;        // pages currently at parking_key
};

Cache* of(sqlite3_pcache* cache) { return reinterpret_cast<Cache*>(cache); }

int init(void* arg) { return base.xInit(arg); }
void shutdown(void* arg) { base.xShutdown(arg); }

sqlite3_pcache* create(int page_size, int extra_size, int purgeable) {
  sqlite3_pcache* inner = base.xCreate(page_size, extra_size, purgeable);
  if (inner == nullptr) return nullptr;
  auto* cache = new (std::nothrow) Cache;
  if (cache == nullptr) {
    base.xDestroy(inner);
    return nullptr;
  }
  cache->inner = inner;
  cache->parking_key = page_size > 0 ? static_cast<unsigned>(kLockByteOffset / page_size + 1) : 0;
  return reinterpret_cast<sqlite3_pcache*>(cache);
}

void cachesize(sqlite3_pcache* cache, int pages) { base.xCachesize(of(cache)->inner, pages); }
int pagecount(sqlite3_pcache* cache) { return base.xPagecount(of(cache)->inner); }

sqlite3_pcache_page* fetch(sqlite3_pcache* cache, unsigned key, int create_flag) {
  Cache* c = of(cache);
  // Only a fetch allowed to create a page can add one. Moving a page first looks up its new
  // number without creating, the parking place included (sqlite3PcacheMove).
  if (create_flag != 0) c->max_key = std::max(c->max_key, key);
  return base.xFetch(c->inner, key, create_flag);
}

void unpin(sqlite3_pcache* cache, sqlite3_pcache_page* page, int discard) {
  base.xUnpin(of(cache)->inner, page, discard);
}

void rekey(sqlite3_pcache* cache, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  Cache* c = of(cache);
  if (old_key == c->parking_key && c->parked > 0) --c->parked;
  if (new_key == c->parking_key) {
    ++c->parked;
  } else {
    c->max_key = std::max(c->max_key, new_key);
  }
  base.xRekey(c->inner, page, old_key, new_key);
}

void truncate(sqlite3_pcache* cache, unsigned limit) {
  Cache* c = of(cache);
  bool parked_dropped = c->parked > 0 && c->parking_key >= limit;
  if (c->max_key < limit && !parked_dropped) {
    truncates_skipped.fetch_add(1, std::memory_order_relaxed);
    return;  // nothing held at or above the limit
  }
  truncates_passed_on.fetch_add(1, std::memory_order_relaxed);
  base.xTruncate(c->inner, limit);
  if (parked_dropped) c->parked = 0;
  if (limit > 0) c->max_key = std::min(c->max_key, limit - 1);
}

void destroy(sqlite3_pcache* cache) {
  Cache* c = of(cache);
  base.xDestroy(c->inner);
  delete c;
}

void shrink(sqlite3_pcache* cache) { base.xShrink(of(cache)->inner); }

}  // namespace

bool install_page_cache() {
  sqlite3_pcache_methods2 own{};
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &own) != SQLITE_OK || own.iVersion < 1) {
    return false;
  }
  if (own.xCreate == &create) return true;  // already installed
  base = own;
  sqlite3_pcache_methods2 wrapped{};
  wrapped.iVersion = 1;
  wrapped.pArg = base.pArg;
  wrapped.xInit = &init;
  wrapped.xShutdown = &shutdown;
  wrapped.xCreate = &create;
  wrapped.xCachesize = &cachesize;
  wrapped.xPagecount = &pagecount;
  wrapped.xFetch = &fetch;
  wrapped.xUnpin = &unpin;
  wrapped.xRekey = &rekey;
  wrapped.xTruncate = &truncate;
  wrapped.xDestroy = &destroy;
  wrapped.xShrink = &shrink;
  return sqlite3_config(SQLITE_CONFIG_PCACHE2, &wrapped) == SQLITE_OK;
}

PageCacheCounts page_cache_counts() {
  return {truncates_passed_on.load(std::memory_order_relaxed),
          truncates_skipped.load(std::memory_order_relaxed)};
}

}  // namespace sapi::store
