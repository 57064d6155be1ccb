#include "sessions/sweeper.h"

#include <gtest/gtest.h>

#include <atomic>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::sessions {
namespace {

using namespace std::chrono_literals;

const Clock::TimePoint kNow{std::chrono::seconds(1'775'649'600)};

class SweeperTest : public ::testing::Test {
 protected:
  SweeperTest()
      : observer_(std::make_shared<store::testing::RecordingObserver>()),
        store_(store::testing::open_or_die(store::testing::options_in(dir_), observer_)) {}

  void add_sessions(int count, int64_t ttl) {
    for (int i = 0; i < count; ++i) {
      store::SessionSummaryRecord r;
      r.player_id = "p";
      r.session_id = "s" + std::to_string(ttl) + "-" + std::to_string(i);
      r.ended_at = r.created_at = kNow;
      r.ttl = ttl;
      ASSERT_TRUE(store_->sessions().put_summary_sync(r).ok());
    }
  }

  store::testing::TempDir dir_;
  std::shared_ptr<store::testing::RecordingObserver> observer_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_{kNow};
};

TEST_F(SweeperTest, APassDeletesEveryExpiredRowInBoundedBatches) {
  int64_t now = epoch_seconds(kNow);
  add_sessions(25, now);        // expires exactly now
  add_sessions(3, now + 3600);  // not yet
  SessionSweeper sweeper(store_->sessions(), clock_, {.interval = 1h, .batch_size = 10});
  EXPECT_EQ(*sweeper.sweep_once(), 25);
  EXPECT_EQ(observer_->count_operations("sweep_expired_sessions"), 3u);  // 10 + 10 + 5
  EXPECT_EQ(*sweeper.sweep_once(), 0);
  EXPECT_EQ(store_->sessions().list_sessions("p", 0, "", 100)->sessions.size(), 3u);
}

TEST_F(SweeperTest, TheBackgroundThreadSweepsAndReportsThenStopsPromptly) {
  int64_t now = epoch_seconds(kNow);
  add_sessions(7, now - 1);
  std::atomic<int64_t> swept{0};
  std::atomic<int> passes{0};
  SessionSweeper sweeper(store_->sessions(), clock_, {.interval = 10ms, .batch_size = 5},
                         [&](int64_t rows) {
                           swept += rows;
                           passes++;
                         });
  sweeper.start();
  for (int i = 0; i < 500 && passes < 3; ++i) std::this_thread::sleep_for(5ms);
  add_sessions(2, now - 1);
  for (int i = 0; i < 500 && swept < 9; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(swept.load(), 9);

  SessionSweeper slow(store_->sessions(), clock_, {.interval = 1h, .batch_size = 5});
  slow.start();
  auto started = std::chrono::steady_clock::now();
  slow.stop();  // does not wait for the hour
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  sweeper.stop();
}

}  // namespace
}  // namespace sapi::sessions
