#pragma once

#include <memory>

#include "base/result.h"
#include "base/status.h"
#include "store/fleet_store.h"
#include "store/observer.h"
#include "store/options.h"
#include "store/session_store.h"
#include "store/ticket_store.h"

namespace sapi::store {

// The service's database: one object per process, giving access to each kind of record.
// Every method is safe to call from any thread. Writes are acknowledged through callbacks
// only once durable; reads see every acknowledged write.
class Store {
 public:
  virtual ~Store() = default;

  virtual SessionStore& sessions() = 0;
  virtual TicketStore& tickets() = 0;
  virtual FleetStore& fleet() = 0;

  // Ok when the database answers a query and accepts writes: what /health/ready reports.
  virtual Status ping() = 0;

  // Stops accepting writes (later ones fail with kUnavailable), waits until every queued
  // write has been committed or failed and its callback has run, then releases the
  // database. Idempotent; the destructor calls it.
  virtual void close() = 0;
};

// Opens (creating it when missing) the embedded SQLite database in options.data_dir and
// applies pending schema migrations. Fails with kInvalidArgument for bad options (e.g. a
// table name that is not an identifier) and kUnavailable when the database cannot be
// opened or migrated. `observer` may be null.
Result<std::unique_ptr<Store>> open_store(const StoreOptions& options,
                                          std::shared_ptr<StoreObserver> observer = nullptr);

}  // namespace sapi::store
