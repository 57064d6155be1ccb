#include "obs/line_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sapi::obs {
namespace {

using namespace std::chrono_literals;

// Every line the sink received, in order, and how many times the sink was called.
struct Collected {
  std::mutex mutex;
  std::string text;
  int calls = 0;
};

LineBatcher::Sink collect_into(Collected& c) {
  return [&c](std::string_view lines) {
    std::lock_guard lock(c.mutex);
    c.text.append(lines);
    ++c.calls;
  };
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(LineBatcherTest, EveryLineArrivesOnceAndEachThreadsLinesKeepTheirOrder) {
  Collected c;
  constexpr int kThreads = 4, kPerThread = 20000;
  {
    LineBatcher batcher(collect_into(c), 256, 1ms);  // small, so pushers wait for room often
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          batcher.push(std::to_string(t) + " " + std::to_string(i));
        }
      });
    }
    for (auto& th : threads) th.join();
  }  // destruction writes out the rest
  std::vector<int> next(kThreads, 0);
  auto lines = split_lines(c.text);
  ASSERT_EQ(lines.size(), size_t{kThreads * kPerThread});
  for (const auto& line : lines) {
    int t = std::stoi(line.substr(0, line.find(' ')));
    int i = std::stoi(line.substr(line.find(' ') + 1));
    ASSERT_EQ(i, next[t]) << "thread " << t << " out of order";
    ++next[t];
  }
  EXPECT_LT(c.calls, kThreads * kPerThread / 10) << "lines are not being batched";
}

TEST(LineBatcherTest, FlushReturnsOnlyAfterEarlierLinesReachedTheSink) {
  Collected c;
  LineBatcher batcher(collect_into(c), 1024, 10s);  // an interval far longer than the test
  batcher.push("first");
  batcher.push("second");
  batcher.flush();
  std::lock_guard lock(c.mutex);
  EXPECT_EQ(c.text, "first\nsecond\n");
}

TEST(LineBatcherTest, ALineAfterAQuietSpellIsWrittenWithinTheInterval) {
  Collected c;
  LineBatcher batcher(collect_into(c), 1024, 2ms);
  std::this_thread::sleep_for(20ms);  // the writer is asleep now
  batcher.push("late");
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(c.mutex);
      if (c.text == "late\n") return;
    }
    std::this_thread::sleep_for(1ms);
  }
  FAIL() << "a line pushed to an idle writer was not written within 500 ms";
}

TEST(LineBatcherTest, ASlowSinkMakesPushersWaitInsteadOfDroppingLines) {
  std::atomic<int> lines{0};
  auto slow = [&](std::string_view batch) {
    std::this_thread::sleep_for(2ms);
    lines += static_cast<int>(std::count(batch.begin(), batch.end(), '\n'));
  };
  {
    LineBatcher batcher(slow, 8, 1ms);
    for (int i = 0; i < 500; ++i) batcher.push("x");
  }
  EXPECT_EQ(lines.load(), 500);
}

}  // namespace
}  // namespace sapi::obs
