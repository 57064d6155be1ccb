#include "store/writer.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sqlite3.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::store {
namespace {

using testing::open_or_die;
using testing::options_in;
using testing::RecordingObserver;
using testing::TempDir;

Status insert(Connection& c, const std::string& sql, int64_t id) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Stmt s(*stmt);
  s.bind(1, id);
  int rc = s.step();
  return rc == SQLITE_DONE ? Status() : c.error(rc, "insert failed");
}

int64_t count_rows(const std::string& path, const std::string& table) {
  auto conn = Connection::open(path, 1000);
  auto stmt = (*conn)->prepare("SELECT COUNT(*) FROM " + table);
  Stmt s(*stmt);
  s.step();
  return s.column_int64(0);
}

// A sync stage whose syncs the test holds and releases one at a time, or fails.
class GatedSync {
 public:
  Writer::Sync sync() {
    return [this] {
      std::unique_lock lock(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_ > 0 || open_; });
      if (!open_) --released_;
      return result_;
    };
  }
  // Whether `n` syncs have begun, waiting up to 5 s for them.
  bool wait_entered(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ >= n; });
  }
  void release(Status result = {}) {
    std::lock_guard lock(mu_);
    result_ = std::move(result);
    ++released_;
    cv_.notify_all();
  }
  // Lets every sync from now on through.
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  int released_ = 0;
  bool open_ = false;
  Status result_;
};

// A writer over a scratch table, and a way to hold it busy so that writes pile up into the
// next batch.
class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() + "/w.db";
    auto conn = Connection::open(path_, 1000);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                           "CREATE TABLE t (id INTEGER PRIMARY KEY);"
                           "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
                           "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);")
                    .ok());
    open_writer(WriterLimits{100, 1000});
  }

  void open_writer(WriterLimits limits, Writer::Sync sync = nullptr) {
    writer_.reset();
    auto conn = Connection::open(path_, 1000);
    ASSERT_TRUE(conn.ok());
    if (sync) {
      ASSERT_TRUE((*conn)->exec("PRAGMA synchronous=NORMAL;").ok());
    }
    writer_ = std::make_unique<Writer>(std::move(*conn), limits, observer_, std::move(sync));
  }

  // Commits a batch of `n` writes, so that the writer counts itself under load when `n`
  // reaches the commit delay's minimum batch.
  void commit_a_batch_of(int n) {
    auto release = hold_writer();
    std::vector<std::future<Status>> results;
    for (int i = 0; i < n; ++i) {
      results.push_back(submit([](Connection&) { return Status(); }));
    }
    release.set_value();
    for (auto& r : results) ASSERT_TRUE(r.get().ok());
  }

  // Occupies the writer until the returned promise is set.
  std::promise<void> hold_writer() {
    std::promise<void> release;
    auto released = release.get_future().share();
    std::promise<void> entered;
    auto is_in = entered.get_future();
    writer_->submit(
        "hold",
        [released, &entered](Connection&) {
          entered.set_value();
          released.wait();
          return Status();
        },
        nullptr);
    is_in.wait();
    return release;
  }

  std::future<Status> submit(Writer::Apply apply) {
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    writer_->submit("test", std::move(apply), [promise](Status s) { promise->set_value(s); });
    return future;
  }

  // Submits inserts of the rows 1 to n of t, one write each.
  std::vector<std::future<Status>> insert_rows(int n) {
    std::vector<std::future<Status>> results;
    for (int i = 1; i <= n; ++i) {
      results.push_back(
          submit([i](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", i); }));
    }
    return results;
  }

  // Starts closing the writer on a thread of its own; returns once it refuses writes.
  std::thread close_aside() {
    std::thread closer([this] { writer_->close(); });
    while (writer_->accepting().ok()) std::this_thread::yield();
    return closer;
  }

  std::future<Status> submit_atomic(Writer::Apply apply) {
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    writer_->submit_atomic("test", std::move(apply),
                           [promise](Status s) { promise->set_value(s); });
    return future;
  }

  void TearDown() override {
    gate_.open();  // so that a test that failed while holding a sync does not hang here
    writer_.reset();
  }

  TempDir dir_;
  std::string path_;
  std::shared_ptr<RecordingObserver> observer_ = std::make_shared<RecordingObserver>();
  GatedSync gate_;
  std::unique_ptr<Writer> writer_;
};

TEST_F(WriterTest, WritesWaitingTogetherCommitInOneBatch) {
  auto release = hold_writer();
  std::vector<std::future<Status>> results = insert_rows(10);
  release.set_value();
  for (auto& r : results) EXPECT_TRUE(r.get().ok());
  auto batches = observer_->batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1].writes, 10u);
  EXPECT_EQ(count_rows(path_, "t"), 10);
}

TEST_F(WriterTest, AWriteThatViolatesAConstraintFailsAlone) {
  auto release = hold_writer();
  auto a = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); });
  auto dup = submit([](Connection& c) {
    SAPI_RETURN_IF_ERROR(insert(c, "INSERT INTO t VALUES (?)", 2));
    return insert(c, "INSERT INTO t VALUES (?)", 1);  // 2 must be undone with it
  });
  auto b = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 3); });
  release.set_value();
  EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(dup.get().code(), Code::kFailedPrecondition);
  EXPECT_TRUE(b.get().ok());
  EXPECT_EQ(count_rows(path_, "t"), 2);  // 1 and 3
  EXPECT_EQ(observer_->batches().size(), 2u);
}

TEST_F(WriterTest, AOneStatementWriteThatFailsIsUndoneAloneWithoutASavepoint) {
  auto release = hold_writer();
  auto a = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); });
  // One statement of two rows: 4 is inserted before 1 collides, and must be undone with it.
  auto dup =
      submit_atomic([](Connection& c) { return insert(c, "INSERT INTO t VALUES (4), (?)", 1); });
  auto b = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 3); });
  release.set_value();
  EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(dup.get().code(), Code::kFailedPrecondition);
  EXPECT_TRUE(b.get().ok());
  EXPECT_EQ(count_rows(path_, "t"), 2);  // 1 and 3
  EXPECT_EQ(observer_->batches().size(), 2u);
}

TEST_F(WriterTest, AnAtomicWriteThatFailsAfterChangingRowsFailsItsWholeBatch) {
  auto release = hold_writer();
  auto a = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); });
  // Breaks its promise: 7 is in when the second statement fails, and no savepoint can undo 7
  // alone, so nothing of the batch may be kept.
  auto broken = submit_atomic([](Connection& c) {
    SAPI_RETURN_IF_ERROR(insert(c, "INSERT INTO t VALUES (?)", 7));
    return insert(c, "INSERT INTO t VALUES (?)", 1);
  });
  auto b = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 3); });
  release.set_value();
  EXPECT_EQ(broken.get().code(), Code::kFailedPrecondition);
  for (auto* f : {&a, &b}) {
    Status s = f->get();
    EXPECT_EQ(s.code(), Code::kUnavailable) << s.to_string();
    EXPECT_NE(s.message().find("nothing of this batch was saved"), std::string::npos);
  }
  EXPECT_EQ(count_rows(path_, "t"), 0);
  EXPECT_TRUE(
      submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 5); }).get().ok());
}

TEST_F(WriterTest, AFailedCommitFailsEveryWriteOfTheBatch) {
  auto release = hold_writer();
  auto a = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); });
  // A deferred foreign key is checked at COMMIT only, so this write makes COMMIT fail.
  auto orphan =
      submit([](Connection& c) { return insert(c, "INSERT INTO child VALUES (1, ?)", 42); });
  auto b = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 2); });
  release.set_value();
  for (auto* f : {&a, &orphan, &b}) {
    Status s = f->get();
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("store commit failed"), std::string::npos) << s.to_string();
  }
  EXPECT_EQ(count_rows(path_, "t"), 0);
  EXPECT_FALSE(observer_->batches().back().ok);
  // The writer goes on with the next batch.
  EXPECT_TRUE(
      submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 5); }).get().ok());
}

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

TEST_F(WriterTest, UnderLoadTheCommitDelayGathersTheNextWritesIntoOneBatch) {
  open_writer(WriterLimits{100, 1000, milliseconds(400), 3});
  commit_a_batch_of(3);  // a batch at the minimum: under load from here
  size_t before = observer_->batches().size();
  auto started = SteadyClock::now();
  std::vector<std::future<Status>> results;
  results.push_back(submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); }));
  std::this_thread::sleep_for(milliseconds(50));  // the writer is waiting meanwhile
  for (int i = 2; i <= 5; ++i) {
    results.push_back(
        submit([i](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", i); }));
  }
  for (auto& r : results) EXPECT_TRUE(r.get().ok());
  auto batches = observer_->batches();
  ASSERT_EQ(batches.size(), before + 1);
  EXPECT_EQ(batches.back().writes, 5u);
  EXPECT_GE(SteadyClock::now() - started, milliseconds(350));
  EXPECT_EQ(count_rows(path_, "t"), 5);
}

TEST_F(WriterTest, ALightLoadDoesNotWaitForTheCommitDelay) {
  open_writer(WriterLimits{100, 1000, milliseconds(2000), 3});
  commit_a_batch_of(2);  // below the minimum
  for (int i = 1; i <= 3; ++i) {
    auto started = SteadyClock::now();
    EXPECT_TRUE(
        submit([i](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", i); }).get().ok());
    EXPECT_LT(SteadyClock::now() - started, milliseconds(1000)) << "write " << i;
  }
}

TEST_F(WriterTest, AFullBatchEndsTheCommitDelay) {
  open_writer(WriterLimits{4, 1000, milliseconds(20000), 2});
  commit_a_batch_of(3);
  auto started = SteadyClock::now();
  std::vector<std::future<Status>> results;
  for (int i = 1; i <= 4; ++i) {
    results.push_back(
        submit([i](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", i); }));
    // The writer is in its delay when the rest arrive: the fourth must wake it.
    if (i == 1) std::this_thread::sleep_for(milliseconds(50));
  }
  for (auto& r : results) EXPECT_TRUE(r.get().ok());
  EXPECT_LT(SteadyClock::now() - started, milliseconds(5000));
  EXPECT_EQ(observer_->batches().back().writes, 4u);
}

TEST_F(WriterTest, CloseDuringTheCommitDelayCommitsAtOnce) {
  open_writer(WriterLimits{100, 1000, milliseconds(20000), 2});
  commit_a_batch_of(3);
  auto write = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 7); });
  std::this_thread::sleep_for(milliseconds(50));  // the writer is in its delay
  auto started = SteadyClock::now();
  writer_->close();
  EXPECT_LT(SteadyClock::now() - started, milliseconds(5000));
  EXPECT_TRUE(write.get().ok());
  EXPECT_EQ(count_rows(path_, "t"), 1);
}

TEST_F(WriterTest, CloseCommitsEverythingQueuedThenRefuses) {
  auto release = hold_writer();
  std::vector<std::future<Status>> results = insert_rows(50);
  std::thread closer = close_aside();
  auto refused = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 99); });
  EXPECT_EQ(refused.get().code(), Code::kUnavailable);
  release.set_value();
  closer.join();
  for (auto& r : results) EXPECT_TRUE(r.get().ok());
  EXPECT_EQ(count_rows(path_, "t"), 50);
}

bool ready(std::future<Status>& f) {
  return f.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready;
}

// Rows of `table` as another connection sees them, once there are `n` of them (or 5 s).
int64_t wait_for_rows(const std::string& path, const std::string& table, int64_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int64_t rows = count_rows(path, table);
  while (rows < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    rows = count_rows(path, table);
  }
  return rows;
}

TEST_F(WriterTest, WithASyncStageWritesAreAcknowledgedOnlyOnceSyncedWhileTheNextBatchRuns) {
  open_writer(WriterLimits{100, 1000}, gate_.sync());
  auto first = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); });
  ASSERT_TRUE(gate_.wait_entered(1));
  // Committed, so another connection sees it, but not acknowledged before its sync returns.
  EXPECT_EQ(count_rows(path_, "t"), 1);
  EXPECT_FALSE(ready(first));
  // The writer goes on meanwhile: the next write is committed while the first sync waits.
  auto second = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 2); });
  EXPECT_EQ(wait_for_rows(path_, "t", 2), 2);
  EXPECT_FALSE(ready(first));
  EXPECT_FALSE(ready(second));
  gate_.release();
  EXPECT_TRUE(first.get().ok());
  // One more sync covers the second commit.
  ASSERT_TRUE(gate_.wait_entered(2));
  EXPECT_FALSE(ready(second));
  gate_.release();
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(observer_->syncs(), (std::vector<bool>{true, true}));
}

TEST_F(WriterTest, WithASyncStageAcknowledgementsKeepTheOrderOfTheWrites) {
  open_writer(WriterLimits{100, 1000}, gate_.sync());
  std::mutex mu;
  std::vector<std::string> order;
  auto record = [&](std::string name) {
    return [&, name](Status s) {
      std::lock_guard lock(mu);
      order.push_back(name + (s.ok() ? " ok" : " failed"));
    };
  };
  writer_->submit(
      "test", [](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); },
      record("first"));
  ASSERT_TRUE(gate_.wait_entered(1));
  // A batch whose COMMIT fails needs no sync, yet its answer waits for the batch before it.
  std::promise<void> failed;
  writer_->submit(
      "test", [](Connection& c) { return insert(c, "INSERT INTO child VALUES (1, ?)", 42); },
      [&](Status s) {
        record("second")(s);
        failed.set_value();
      });
  EXPECT_EQ(failed.get_future().wait_for(std::chrono::milliseconds(100)),
            std::future_status::timeout);
  gate_.release();
  writer_->close();
  EXPECT_EQ(order, (std::vector<std::string>{"first ok", "second failed"}));
}

TEST_F(WriterTest, AFailedSyncFailsTheUnacknowledgedWritesAndStopsTheWriter) {
  open_writer(WriterLimits{100, 1000}, gate_.sync());
  auto first = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 1); });
  ASSERT_TRUE(gate_.wait_entered(1));
  auto second = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 2); });
  EXPECT_EQ(wait_for_rows(path_, "t", 2), 2);
  gate_.release(unavailable("cannot sync w.db-wal: Input/output error"));
  for (auto* f : {&first, &second}) {
    Status s = f->get();
    EXPECT_EQ(s.code(), Code::kUnavailable);
    EXPECT_NE(s.message().find("store sync failed"), std::string::npos) << s.to_string();
    EXPECT_NE(s.message().find("Input/output error"), std::string::npos) << s.to_string();
  }
  // No later sync could vouch for those pages: nothing is taken any more.
  EXPECT_EQ(writer_->accepting().code(), Code::kUnavailable);
  auto refused = submit([](Connection& c) { return insert(c, "INSERT INTO t VALUES (?)", 3); });
  EXPECT_NE(refused.get().message().find("store sync failed"), std::string::npos);
  EXPECT_EQ(observer_->syncs(), std::vector<bool>{false});
}

TEST_F(WriterTest, WithASyncStageCloseAcknowledgesEveryQueuedWrite) {
  open_writer(WriterLimits{100, 1000}, gate_.sync());
  auto release = hold_writer();
  std::vector<std::future<Status>> results = insert_rows(50);
  std::thread closer = close_aside();
  release.set_value();
  ASSERT_TRUE(gate_.wait_entered(1));
  EXPECT_FALSE(ready(results.front()));
  gate_.open();
  closer.join();
  for (auto& r : results) EXPECT_TRUE(r.get().ok());
  EXPECT_EQ(count_rows(path_, "t"), 50);
}

SessionSummaryRecord distinct_summary(int writer, int i) {
  SessionSummaryRecord r;
  r.player_id = "player-" + std::to_string(writer) + "-" + std::to_string(i);
  r.session_id = "session-" + std::to_string(i);
  r.ended_at = r.created_at = Clock::system().now();
  r.rewards = {"first_objective_complete", "session_complete"};
  r.ttl = epoch_seconds(r.ended_at) + 72 * 3600;
  return r;
}

// Many writers submitting at once; returns how many writes were acknowledged.
int write_concurrently(Store& store, int writers, int each) {
  std::atomic<int> acked{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::vector<std::future<void>> pending;
      for (int i = 0; i < each; ++i) {
        auto p = std::make_shared<std::promise<void>>();
        pending.push_back(p->get_future());
        store.sessions().put_summary(distinct_summary(w, i), [&, p](Result<SummaryOutcome> r) {
          if (r.ok()) acked++;
          p->set_value();
        });
      }
      for (auto& f : pending) f.wait();
    });
  }
  for (auto& t : threads) t.join();
  return acked.load();
}

TEST(GroupCommit, ConcurrentWritersShareTransactions) {
  TempDir dir;
  auto observer = std::make_shared<RecordingObserver>();
  auto store = open_or_die(options_in(dir), observer);
  EXPECT_EQ(write_concurrently(*store, 8, 200), 1600);
  EXPECT_GT(observer->max_batch(), 1u);
  EXPECT_LT(observer->batches().size(), 1600u);
  EXPECT_EQ(observer->count_operations("put_summary"), 1600u);
}

// Runs `body` with the calling thread (and the threads it starts) on `cpus` only.
template <class Body>
void on_cpus(const cpu_set_t& cpus, Body body) {
  cpu_set_t before;
  ASSERT_EQ(sched_getaffinity(0, sizeof before, &before), 0);
  ASSERT_EQ(sched_setaffinity(0, sizeof cpus, &cpus), 0);
  body();
  ASSERT_EQ(sched_setaffinity(0, sizeof before, &before), 0);
}

// The sync stage only where something can run beside it: with one CPU the writer syncs in
// its COMMIT (no on_sync), with two or more the sync stage does (on_sync per sync).
TEST(GroupCommit, SyncsOnASyncStageOnlyWithMoreThanOneCpu) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &all)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  for (const cpu_set_t* cpus : {&one, &all}) {
    if (cpus == &all && CPU_COUNT(&all) < 2)
      GTEST_SKIP() << "this machine lets the test use one CPU";
    TempDir dir;
    auto observer = std::make_shared<RecordingObserver>();
    on_cpus(*cpus, [&] {
      auto store = open_or_die(options_in(dir), observer);
      EXPECT_EQ(write_concurrently(*store, 2, 20), 40);
    });
    EXPECT_EQ(observer->syncs().empty(), cpus == &one) << CPU_COUNT(cpus) << " CPUs";
  }
}

TEST(GroupCommit, CanBeTurnedOffForOneTransactionPerWrite) {
  TempDir dir;
  auto observer = std::make_shared<RecordingObserver>();
  auto options = options_in(dir);
  options.group_commit = false;
  auto store = open_or_die(options, observer);
  EXPECT_EQ(write_concurrently(*store, 4, 25), 100);
  EXPECT_EQ(observer->max_batch(), 1u);
  EXPECT_EQ(observer->batches().size(), 100u);
}

TEST(GroupCommit, ReadersRunBesideTheWriterAndSeeEveryAcknowledgedWrite) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        auto rewards = store->sessions().list_rewards("player-0-0");
        if (!rewards.ok()) failures++;
        reads++;
      }
    });
  }
  EXPECT_EQ(write_concurrently(*store, 4, 300), 1200);
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  for (int w = 0; w < 4; ++w) {
    EXPECT_EQ(store->sessions().list_rewards("player-" + std::to_string(w) + "-299")->size(), 2u);
  }
}

}  // namespace
}  // namespace sapi::store
