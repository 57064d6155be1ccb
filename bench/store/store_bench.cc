// Durable session-summary writes through the sessions domain and the SQLite store: the same
// load with group commit and with one transaction per write, in one run.
//
//   bench_store [--seconds 5] [--concurrency 512] [--dir DIR]
//
// `concurrency` writes are always in flight (as many HTTP requests waiting for their 200);
// each acknowledgement submits the next write. Every write is a distinct player and session
// with 2 rewards, so each is one session row and two reward rows.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "bench_util.h"
#include "sessions/session_summaries.h"
#include "store/store.h"

namespace {

using sapi::bench::BatchCounter;
using sapi::bench::cpu_seconds;

using Steady = std::chrono::steady_clock;

// A bijective 64-bit mix (splitmix64's finalizer): distinct inputs give distinct outputs.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct RunResult {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double mean_batch = 0;
  double cpu_us_per_write = 0;
  uint64_t writes = 0;
  uint64_t failures = 0;
};

// Keeps `concurrency` writes in flight for `seconds`, then waits for the last ones.
class Load {
 public:
  Load(sapi::sessions::SessionSummaries& summaries, std::string tag, int concurrency,
       bool random_ids)
      : summaries_(summaries),
        tag_(std::move(tag)),
        concurrency_(concurrency),
        random_ids_(random_ids) {}

  RunResult run(std::chrono::seconds duration) {
    started_ = Steady::now();
    deadline_ = started_ + duration;
    for (int i = 0; i < concurrency_; ++i) submit();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return in_flight_ == 0 && Steady::now() >= deadline_; });
    auto elapsed = std::chrono::duration<double>(last_ack_ - started_).count();
    RunResult r;
    r.writes = latencies_ns_.size();
    r.failures = failures_;
    r.per_second = double(r.writes) / elapsed;
    std::sort(latencies_ns_.begin(), latencies_ns_.end());
    if (!latencies_ns_.empty()) {
      r.p50_ms = latencies_ns_[latencies_ns_.size() / 2] / 1e6;
      r.p99_ms = latencies_ns_[latencies_ns_.size() * 99 / 100] / 1e6;
    }
    return r;
  }

 private:
  // Submits the next write unless the run is over; returns whether it did.
  bool submit() {
    uint64_t n;
    {
      std::lock_guard lock(mu_);
      if (Steady::now() >= deadline_) return false;
      n = next_++;
      in_flight_++;
    }
    sapi::sessions::SessionSummary summary;
    // Random ids (like Cognito subs) land all over the B-trees; sequential ones append.
    summary.player_id = random_ids_ ? fmt::format("{:016x}-{}", mix(n), tag_)
                                    : fmt::format("{}-player-{}", tag_, n);
    summary.session_id = fmt::format("{:032x}", n);
    summary.rewards = {"first_objective_complete", "session_complete"};
    auto sent = Steady::now();
    summaries_.record(std::move(summary), [this, sent](auto result) {
      auto now = Steady::now();
      {
        std::lock_guard lock(mu_);
        in_flight_--;
        if (result.ok()) {
          latencies_ns_.push_back(double((now - sent).count()));
          last_ack_ = now;
        } else {
          failures_++;
        }
      }
      if (!submit()) cv_.notify_one();  // the run is over: the waiter counts what is left
    });
    return true;
  }

  sapi::sessions::SessionSummaries& summaries_;
  const std::string tag_;
  const int concurrency_;
  const bool random_ids_;
  std::mutex mu_;
  std::condition_variable cv_;
  Steady::time_point started_, deadline_, last_ack_;
  uint64_t next_ = 0;
  int in_flight_ = 0;
  uint64_t failures_ = 0;
  std::vector<double> latencies_ns_;
};

RunResult measure(const std::string& dir, bool group_commit, int concurrency, int seconds,
                  bool random_ids) {
  std::filesystem::remove_all(dir);
  sapi::store::StoreOptions options;
  options.data_dir = dir;
  options.group_commit = group_commit;
  auto counter = std::make_shared<BatchCounter>();
  auto store = sapi::store::open_store(options, counter);
  if (!store.ok()) {
    fmt::print(stderr, "cannot open store: {}\n", store.status().to_string());
    std::exit(1);
  }
  sapi::sessions::SessionSummaries summaries((*store)->sessions(), sapi::Clock::system(), {});
  Load load(summaries, group_commit ? "group" : "single", concurrency, random_ids);
  double cpu_before = cpu_seconds();
  RunResult result = load.run(std::chrono::seconds(seconds));
  result.cpu_us_per_write =
      (cpu_seconds() - cpu_before) * 1e6 / double(std::max<uint64_t>(1, result.writes));
  result.mean_batch = counter->mean_batch();
  (*store)->close();
  std::filesystem::remove_all(dir);
  return result;
}

void print(const char* name, const RunResult& r) {
  fmt::print(
      "{:<22} {:>7.0f} summaries/s  p50 {:>7.2f} ms  p99 {:>7.2f} ms  mean batch {:>5.1f}  "
      "CPU {:>5.1f} us/write  writes {}  failures {}\n",
      name, r.per_second, r.p50_ms, r.p99_ms, r.mean_batch, r.cpu_us_per_write, r.writes,
      r.failures);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Durable session-summary writes: group commit vs one transaction per write"};
  int seconds = 5;
  int concurrency = 512;
  std::string dir = fmt::format("bench-store-data-{}", getpid());
  app.add_option("--seconds", seconds, "Duration of each run")->check(CLI::Range(1, 600));
  app.add_option("--concurrency", concurrency, "Writes in flight")->check(CLI::Range(1, 100000));
  app.add_option("--dir", dir, "Scratch data directory (on the disk to measure; removed)");
  bool random_ids = false;
  app.add_flag("--random-ids", random_ids, "Random player ids instead of sequential ones");
  CLI11_PARSE(app, argc, argv);

  fmt::print(
      "durable summary writes (2 rewards each), {} in flight, {} s per run, {} ids, "
      "dir {}\n",
      concurrency, seconds, random_ids ? "random" : "sequential", dir);
  RunResult single = measure(dir, false, concurrency, seconds, random_ids);
  print("one transaction/write", single);
  RunResult group = measure(dir, true, concurrency, seconds, random_ids);
  print("group commit", group);
  fmt::print("ratio group/single: {:.1f}x\n", group.per_second / single.per_second);
  return group.failures + single.failures == 0 ? 0 : 1;
}
