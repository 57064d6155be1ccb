#pragma once

// Makes a WAL-mode SQLite database's commits durable from outside the committing connection,
// private to store/.

#include <cstddef>
#include <string>

#include "base/status.h"

namespace sapi::store {

// The writer's sync stage (store/writer.h) for a connection that commits with
// synchronous=NORMAL: such a commit has written its WAL frames without waiting for the disk.
// Each call fdatasyncs the WAL file, which makes every commit before the call durable. It
// keeps the WAL file open between calls; when it opens a WAL file, it also fsyncs the
// directory once, so that the file's name survives a power loss too. SQLite removes the WAL
// when its last connection closes (after folding it back into the database file); a file it
// holds that has no name any more is let go and the new one opened, and while there is none
// there is nothing to sync. Holding the file also keeps its inode number from
// being reused meanwhile. Not thread-safe: one sync stage calls it.
class WalSync {
 public:
  explicit WalSync(const std::string& database_path);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  Status operator()();

  // How many times the directory was fsynced, for tests.
  size_t directory_syncs() const { return directory_syncs_; }

 private:
  std::string wal_path_;
  std::string directory_;
  int wal_fd_ = -1;
  size_t directory_syncs_ = 0;
};

}  // namespace sapi::store
