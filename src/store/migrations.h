#pragma once

// Versioned, forward-only schema migrations, private to store/.

#include <string>
#include <vector>

#include "base/status.h"
#include "store/options.h"
#include "store/sqlite_db.h"

namespace sapi::store {

// One step of one table's schema. Versions of a subject start at 1 and only grow; a
// released migration is never edited, a change is a new version.
struct Migration {
  std::string subject;  // the table the migration creates or changes
  int version;
  std::string sql;
};

// Every migration for these options. Subjects of the configurable tables are their names,
// so a renamed table gets its own schema (and starts empty).
std::vector<Migration> migrations_for(const StoreOptions& options);

// Applies, in order, each migration not yet recorded in schema_migrations, each in its own
// transaction together with its record. Safe to run on every start-up.
Status apply_migrations(Connection& conn, const std::vector<Migration>& migrations);

}  // namespace sapi::store
