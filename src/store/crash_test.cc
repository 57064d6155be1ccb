// Kills a process that writes with group commit at random moments and checks that every
// write it acknowledged is in the database afterwards.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::store {
namespace {

using testing::options_in;
using testing::TempDir;

SessionSummaryRecord numbered(int round, int writer, int i) {
  SessionSummaryRecord r;
  r.player_id =
      "p" + std::to_string(round) + "-" + std::to_string(writer) + "-" + std::to_string(i);
  r.session_id = "s" + std::to_string(i);
  r.ended_at = r.created_at = Clock::system().now();
  r.rewards = {"first_objective_complete", "session_complete"};
  r.ttl = epoch_seconds(r.ended_at) + 72 * 3600;
  return r;
}

// The child: writes as fast as it can from several threads and reports each acknowledged
// write as one line "<player> <session>\n" (shorter than PIPE_BUF, so never torn).
[[noreturn]] void write_until_killed(const StoreOptions& options, int round, int fd) {
  auto store = open_store(options);
  if (!store.ok()) _exit(3);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0;; ++i) {
        auto r = numbered(round, w, i);
        std::string line = r.player_id + " " + r.session_id + "\n";
        auto outcome = (*store)->sessions().put_summary_sync(std::move(r));
        if (outcome.ok() && write(fd, line.data(), line.size()) < 0) _exit(4);
      }
    });
  }
  for (auto& t : writers) t.join();
  _exit(0);
}

// Reads acknowledgements until `deadline`, kills the child, then reads what is left.
std::string collect_then_kill(pid_t child, int fd, std::chrono::milliseconds run_for) {
  std::string acked;
  char buffer[65536];
  auto deadline = std::chrono::steady_clock::now() + run_for;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5) > 0) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      acked.append(buffer, static_cast<size_t>(n));
    }
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    acked.append(buffer, static_cast<size_t>(n));
  }
  return acked;
}

TEST(CrashSafety, EveryAcknowledgedWriteSurvivesSigkill) {
  TempDir dir;
  auto options = options_in(dir);
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> run_ms(50, 400);
  size_t total_acked = 0;
  for (int round = 0; round < 12; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      write_until_killed(options, round, fds[1]);
    }
    close(fds[1]);
    std::string acked = collect_then_kill(child, fds[0], std::chrono::milliseconds(run_ms(random)));
    close(fds[0]);

    auto store = open_store(options);  // recovers the WAL left by the killed process
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    std::istringstream lines(acked);
    std::string player, session;
    size_t checked = 0;
    while (lines >> player >> session) {
      auto rewards = (*store)->sessions().list_rewards(player);
      ASSERT_TRUE(rewards.ok());
      ASSERT_EQ(rewards->size(), 2u) << "acknowledged write lost: " << player << " round " << round;
      auto page = (*store)->sessions().list_sessions(player, 0, "", 10);
      ASSERT_EQ(page->sessions.size(), 1u);
      EXPECT_EQ(page->sessions[0].session_id, session);
      ++checked;
    }
    total_acked += checked;
  }
  EXPECT_GT(total_acked, 12u);  // the child really wrote before being killed
}

}  // namespace
}  // namespace sapi::store
