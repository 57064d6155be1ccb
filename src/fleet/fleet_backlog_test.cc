// A launch-weekend burst: thousands of matches waiting on a full fleet of 1,000 servers.
// The game servers' own calls (heartbeats, activations) must still go through promptly
// while the fleet keeps re-trying the backlog, and the backlog must drain oldest first once
// room appears.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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
  void SetUp() override {
    FleetOptions options;
    options.run_threads = false;  // the test drives tick() itself, from another thread
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

  ManualClock clock_{Clock::TimePoint(seconds(1'800'000'000))};
  std::unique_ptr<Fleet> fleet_;
  std::mutex mu_;
  std::vector<PlacementResult> results_;
};

TEST_F(BacklogTest, HeartbeatsAndActivationsStayPromptAndTheBacklogDrainsOldestFirst) {
  // Every server gets one match; the last 100 stay ACTIVATING to be activated under load.
  std::vector<std::string> activating;
  for (int i = 0; i < kServers; ++i) {
    place(fmt::format("fill{:04}", i));
    auto g = next_on(server_id(i));
    ASSERT_TRUE(g) << server_id(i);
    if (i < kServers - 100) {
      ASSERT_TRUE(fleet_->activate(kKey, g->game_session_id, {}).ok());
    } else {
      activating.push_back(g->game_session_id);
    }
  }
  for (int i = 0; i < kBacklog; ++i) place(waiting_id(i));
  ASSERT_EQ(fleet_->pending_placements(), static_cast<size_t>(kBacklog + 100));

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
  std::vector<double> heartbeat_ms;
  std::vector<double> activate_ms;
  auto time_ms = [](auto&& call) {
    auto t0 = Steady::now();
    call();
    return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
  };
  auto until = Steady::now() + seconds(20);
  int n = 0;
  while ((ticks < 5 || n < 300) && Steady::now() < until) {
    heartbeat_ms.push_back(time_ms([&] {
      EXPECT_TRUE(fleet_->heartbeat(kKey, server_id(n % kServers), 0, Health::kHealthy).ok());
    }));
    if (n < static_cast<int>(activating.size())) {
      activate_ms.push_back(
          time_ms([&] { EXPECT_TRUE(fleet_->activate(kKey, activating[n], {}).ok()); }));
    }
    ++n;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
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

}  // namespace
}  // namespace sapi::fleet
