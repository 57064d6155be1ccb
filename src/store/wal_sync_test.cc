#include "store/wal_sync.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/sqlite_db.h"
#include "store/store_test_util.h"

namespace sapi::store {
namespace {

using testing::TempDir;

TEST(WalSync, SyncsTheWalAndItsDirectoryOncePerWalFile) {
  TempDir dir;
  std::string path = dir.path() + "/s.db";
  auto conn = Connection::open(path, 1000);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->exec("PRAGMA synchronous=NORMAL; CREATE TABLE t (x INTEGER);").ok());
  ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
  WalSync sync(path);
  ASSERT_TRUE(sync().ok());
  EXPECT_EQ(sync.directory_syncs(), 1u);
  ASSERT_TRUE((*conn)->exec("INSERT INTO t VALUES (1);").ok());
  ASSERT_TRUE(sync().ok());
  EXPECT_EQ(sync.directory_syncs(), 1u);

  // The last connection folds the WAL back, syncs the database file and removes the WAL:
  // nothing is left to sync.
  conn->reset();
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));
  ASSERT_TRUE(sync().ok());
  EXPECT_EQ(sync.directory_syncs(), 1u);

  // A new WAL file is a new name in the directory, synced once more.
  conn = Connection::open(path, 1000);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->exec("INSERT INTO t VALUES (2);").ok());
  ASSERT_TRUE(sync().ok());
  EXPECT_EQ(sync.directory_syncs(), 2u);
}

TEST(WalSync, AWalThatCannotBeOpenedIsAnErrorNamingIt) {
  TempDir dir;
  std::string not_a_directory = dir.path() + "/file";
  std::ofstream(not_a_directory) << "x";
  WalSync sync(not_a_directory + "/s.db");
  Status s = sync();
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_NE(s.message().find("file/s.db-wal"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("Not a directory"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace sapi::store
