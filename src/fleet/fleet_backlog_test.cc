// A launch-weekend burst: thousands of matches waiting on a full fleet of 1,000 servers.
// The game servers' own calls (heartbeats, activations) must still go through promptly
// while the fleet keeps re-trying the backlog, and the backlog must drain oldest first once
// room appears.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "fleet/fleet.h"

namespace sapi::fleet {
namespace {

using matchmaking::PlacementOutcome;
using matchmaking::PlacementResult;
using Steady = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr char kKey[] = "AKIABACKLOGTEST00001";
constexpr int kServers = 1000;
constexpr int kSlots = 10;
constexpr int kBacklog = 10000;
constexpr int kBigBacklog = 50000;
const char* const kRegions[] = {"eu-west-1", "eu-central-1", "us-east-1", "us-west-2",
                                "ap-northeast-1"};

std::string server_id(int i) { return fmt::format("s{:04}", i); }
std::string waiting_id(int i) { return fmt::format("w{:05}", i); }

double median_ms(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

class BacklogTest : public ::testing::Test {
 protected:
  // run_threads false: the test drives tick() itself, from another thread.
  void start(FleetOptions options) {
    auto created = Fleet::create(options, nullptr, clock_, nullptr);
    ASSERT_TRUE(created.ok());
    fleet_ = std::move(*created);
    for (int i = 0; i < kServers; ++i) {
      GameServerSpec s;
      s.game_server_id = server_id(i);
      s.ip_address = "192.0.2.1";
      s.port = 7000 + i;
      s.location = kRegions[i % 5];
      s.max_players = kSlots;
      ASSERT_TRUE(fleet_->register_server(kKey, s, {}).ok());
    }
  }

  // A match of kSlots players (one whole server), with a latency to every region.
  void place(const std::string& id) {
    matchmaking::PlacementRequest r;
    r.placement_id = id;
    for (int p = 0; p < kSlots; ++p) {
      matchmaking::PlacementPlayer player{id + "-" + std::to_string(p), "t", "red", {}};
      for (const char* region : kRegions) player.latencies.push_back({region, 40});
      r.players.push_back(std::move(player));
    }
    fleet_->place(std::move(r), [this](PlacementResult result) {
      std::lock_guard lock(mu_);
      results_.push_back(std::move(result));
    });
  }

  std::optional<GameSession> next_on(const std::string& id) {
    std::optional<GameSession> got;
    fleet_->wait_for_game_session(kKey, id, clock_.now(), [&](auto r) {
      if (r.ok()) got = *r;
    });
    return got;
  }

  std::vector<PlacementResult> results() {
    std::lock_guard lock(mu_);
    return results_;
  }

  // Every server gets one match; the last 100 stay ACTIVATING (returned) to be activated
  // under load; then kBacklog matches wait.
  std::vector<std::string> fill_and_queue_backlog(int backlog = kBacklog) {
    std::vector<std::string> activating;
    for (int i = 0; i < kServers; ++i) {
      place(fmt::format("fill{:04}", i));
      auto g = next_on(server_id(i));
      EXPECT_TRUE(g) << server_id(i);
      if (!g) return activating;
      if (i < kServers - 100) {
        EXPECT_TRUE(fleet_->activate(kKey, g->game_session_id, {}).ok());
      } else {
        activating.push_back(g->game_session_id);
      }
    }
    for (int i = 0; i < backlog; ++i) place(waiting_id(i));
    EXPECT_EQ(fleet_->pending_placements(), static_cast<size_t>(backlog + 100));
    return activating;
  }

  struct CallTimes {
    std::vector<double> heartbeat_ms;
    std::vector<double> activate_ms;
  };
  // Heartbeats (and activations of `activating`) every 200 us while `busy` says the fleet
  // has not yet gone over the backlog enough, at least 300 of them, for at most 20 s.
  CallTimes time_calls(const std::vector<std::string>& activating,
                       const std::function<bool()>& busy) {
    CallTimes t;
    auto time_ms = [](auto&& call) {
      auto t0 = Steady::now();
      call();
      return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    };
    auto until = Steady::now() + seconds(20);
    int n = 0;
    while ((busy() || n < 300) && Steady::now() < until) {
      t.heartbeat_ms.push_back(time_ms([&] {
        EXPECT_TRUE(fleet_->heartbeat(kKey, server_id(n % kServers), 0, Health::kHealthy).ok());
      }));
      if (n < static_cast<int>(activating.size())) {
        t.activate_ms.push_back(
            time_ms([&] { EXPECT_TRUE(fleet_->activate(kKey, activating[n], {}).ok()); }));
      }
      ++n;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return t;
  }

  ManualClock clock_{Clock::TimePoint(seconds(1'800'000'000))};
  std::unique_ptr<Fleet> fleet_;
  std::mutex mu_;
  std::vector<PlacementResult> results_;
};

TEST_F(BacklogTest, HeartbeatsAndActivationsStayPromptAndTheBacklogDrainsOldestFirst) {
  FleetOptions options;
  options.run_threads = false;
  start(options);
  std::vector<std::string> activating = fill_and_queue_backlog();
  ASSERT_EQ(activating.size(), 100u);

  // The fleet goes over the backlog again and again, as its tick thread does (every
  // FleetOptions::tick_interval).
  std::atomic<bool> stop{false};
  std::atomic<int> ticks{0};
  const auto interval = FleetOptions{}.tick_interval;
  std::thread ticker([&] {
    while (!stop) {
      fleet_->tick();
      ++ticks;
      std::this_thread::sleep_for(interval);
    }
  });
  auto [heartbeat_ms, activate_ms] = time_calls(activating, [&] { return ticks < 5; });
  stop = true;
  ticker.join();
  ASSERT_GE(ticks, 5) << "the backlog was not gone over while the servers called in";
  EXPECT_LT(median_ms(heartbeat_ms), 5.0)
      << "heartbeats waited behind passes over the backlog; max "
      << *std::max_element(heartbeat_ms.begin(), heartbeat_ms.end()) << " ms";
  EXPECT_LT(median_ms(activate_ms), 5.0);
  EXPECT_EQ(fleet_->server_count(), static_cast<size_t>(kServers));
  EXPECT_EQ(fleet_->pending_placements(), static_cast<size_t>(kBacklog));
  EXPECT_EQ(results().size(), static_cast<size_t>(kServers));  // the fills, all fulfilled

  // Room appears one server at a time: each goes to the oldest match still waiting.
  constexpr int kFreed = 50;
  std::vector<std::string> sessions_on;
  for (int i = 0; i < kFreed; ++i) {
    auto fill = results()[static_cast<size_t>(i)];
    std::string id =
        fill.connection.game_session_arn.substr(fill.connection.game_session_arn.rfind('/') + 1);
    ASSERT_TRUE(fleet_->end_game_session(kKey, id, {}).ok());
    fleet_->tick();
  }
  for (int i = 0; i < kServers; ++i) {
    if (auto g = next_on(server_id(i))) {
      ASSERT_TRUE(fleet_->activate(kKey, g->game_session_id, {}).ok());
    }
  }
  auto all = results();
  ASSERT_EQ(all.size(), static_cast<size_t>(kServers + kFreed));
  for (int i = 0; i < kFreed; ++i) {
    const auto& r = all[static_cast<size_t>(kServers + i)];
    EXPECT_EQ(r.outcome, PlacementOutcome::kFulfilled);
    EXPECT_EQ(r.placement_id, waiting_id(i));
  }
  EXPECT_EQ(fleet_->pending_placements(), static_cast<size_t>(kBacklog - kFreed));
}

// The fleet's own tick thread with no pause between ticks (as when each pass over the
// backlog takes longer than the tick interval): it releases the mutex between chunks, and
// the callers waiting then get it before the next chunk, not after the whole pass.
TEST_F(BacklogTest, CallersGetTheLockBetweenChunksOfATickThreadRunningBackToBack) {
  FleetOptions options;
  options.tick_interval = std::chrono::milliseconds(0);
  start(options);
  std::vector<std::string> activating = fill_and_queue_backlog(kBigBacklog);
  ASSERT_EQ(activating.size(), 100u);
  // Time for the thread to be well into its passes.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto [heartbeat_ms, activate_ms] = time_calls(activating, [] { return false; });
  std::sort(heartbeat_ms.begin(), heartbeat_ms.end());
  double p90 = heartbeat_ms[heartbeat_ms.size() * 9 / 10];
  EXPECT_LT(median_ms(heartbeat_ms), 2.0) << "p90 " << p90 << " ms";
  EXPECT_LT(p90, 5.0) << "heartbeats waited behind whole passes over the backlog; max "
                      << heartbeat_ms.back() << " ms";
  EXPECT_LT(median_ms(activate_ms), 2.0);
  EXPECT_EQ(fleet_->server_count(), static_cast<size_t>(kServers));
  EXPECT_EQ(fleet_->pending_placements(), static_cast<size_t>(kBigBacklog));
}

}  // namespace
}  // namespace sapi::fleet
