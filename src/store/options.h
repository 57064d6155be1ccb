#pragma once

#include <cstddef>
#include <string>

namespace sapi::store {

// How to open the store. The app fills this from the configuration file; every field has a
// default that works for the embedded SQLite database.
struct StoreOptions {
  // Directory holding the database files; created when missing.
  std::string data_dir = "data";
  // File name of the SQLite database inside data_dir.
  std::string file_name = "session-api.db";

  // Table names for the seed's two tables (its player_sessions_table_name and
  // player_rewards_table_name). They go into SQL, so open_store() rejects anything that is
  // not a plain identifier ([A-Za-z_][A-Za-z0-9_]{0,62}).
  std::string player_sessions_table = "PlayerSessions";
  std::string player_rewards_table = "PlayerRewards";

  // Group commit: the writer runs every waiting write (up to max_batch) in one transaction
  // with one fsync. Off means one transaction (and one fsync) per write, which is slower and
  // exists for comparison in the benchmark.
  bool group_commit = true;
  size_t max_batch = 1024;
  // With group commit, under load (the last batch held at least commit_delay_min_batch
  // writes) the writer waits up to commit_delay_us before the next batch, so that more
  // writes share one commit (docs/storage.md). 0 turns it off.
  int commit_delay_us = 1000;
  size_t commit_delay_min_batch = 16;

  // Writes waiting for the writer beyond this are refused at once with kUnavailable, so a
  // stalled disk turns into errors instead of unbounded memory.
  size_t max_queued_writes = 100000;

  // Read connections kept open for reuse; more are opened when several threads read at once.
  size_t read_connections = 4;

  // SQLite waits this long for a lock held by another process before giving up.
  int busy_timeout_ms = 5000;
};

// Whether `name` can be used as a table name: [A-Za-z_][A-Za-z0-9_]{0,62}.
bool is_valid_table_name(const std::string& name);

}  // namespace sapi::store
