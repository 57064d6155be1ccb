// Durable matchmaking-ticket writes as `POST /matchmaking/start` makes them, without HTTP:
// each ticket is written QUEUED (acknowledged when durable, like the 200 of the start route),
// then, from another thread (as the matchmaking thread does once it matched the ticket), once
// more with its final status. A ticket's final write is submitted as soon as its QUEUED write
// is acknowledged, so it always lands in a later batch.
//
//   bench_tickets [--seconds 3] [--concurrency 400] [--random-ids] [--dir DIR]
//
// Ticket ids are made as the service makes them (time-ordered UUIDs); --random-ids makes
// them random (version 4, as earlier releases did and as callers may choose them).
//
// Prints tickets/s, the mean batch and the CPU time per ticket of the writer thread and of
// the whole process (the writer plus the thread that encodes and submits), and how long
// encoding the state takes per ticket.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "flexmatch/rule_set_parser.h"
#include "matchmaking/ids.h"
#include "matchmaking/ticket_view.h"
#include "store/store.h"

namespace {

using sapi::bench::BatchCounter;
using sapi::bench::cpu_seconds;

using Steady = std::chrono::steady_clock;
namespace mm = sapi::matchmaking;

// CPU seconds of this process's threads named `name`.
double thread_cpu_seconds(const std::string& name) {
  double total = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string n;
    std::getline(comm, n);
    if (n != name) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto fields = line.substr(line.rfind(')') + 2);
    std::istringstream in(fields);
    std::string skip;
    for (int i = 3; i < 14; ++i) in >> skip;  // fields 3..13
    long utime = 0, stime = 0;
    in >> utime >> stime;
    total += double(utime + stime) / double(sysconf(_SC_CLK_TCK));
  }
  return total;
}

// Bytes this process has passed to write(2) and pwrite(2) so far (the WAL and checkpoints).
double written_bytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  double value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

constexpr std::string_view kRuleSet = R"({
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
            {"name": "blue", "minPlayers": 1, "maxPlayers": 1}]})";

class Load {
 public:
  Load(sapi::store::TicketStore& store, const sapi::flexmatch::RuleSet& rules, int concurrency,
       bool random_ids)
      : store_(store), rules_(rules), concurrency_(concurrency), random_ids_(random_ids) {}

  // Returns the number of tickets acknowledged QUEUED; failures counted in failures().
  uint64_t run(std::chrono::seconds duration) {
    started_ = Steady::now();
    deadline_ = started_ + duration;
    std::thread worker([this] { work(); });
    for (int i = 0; i < concurrency_; ++i) submit_queued(next_++);
    {
      std::unique_lock lock(mu_);
      cv_done_.wait(lock, [this] { return in_flight_ == 0 && Steady::now() >= deadline_; });
      stop_ = true;
      cv_work_.notify_one();
    }
    worker.join();
    // The final writes still queued: wait until each is durable.
    std::unique_lock lock(mu_);
    cv_done_.wait(lock, [this] { return finals_in_flight_ == 0; });
    elapsed_ = std::chrono::duration<double>(Steady::now() - started_).count();
    return acked_;
  }

  uint64_t failures() const { return failures_; }
  double elapsed() const { return elapsed_; }
  double encode_seconds() const { return encode_ns_ / 1e9; }

 private:
  std::string new_id() const { return random_ids_ ? mm::random_uuid() : mm::time_ordered_uuid(); }

  mm::TicketView view(uint64_t n, std::string id) const {
    mm::TicketView t;
    t.ticket_id = std::move(id);
    t.configuration = "duel";
    t.owner_player_id = fmt::format("bench-{}", n % 200 + 1);
    t.status = mm::TicketStatus::kQueued;
    t.start_time = sapi::Clock::system().now();
    mm::PlayerView p;
    p.player_id = t.owner_player_id;
    p.decoded.id = p.player_id;
    p.decoded.attributes.push_back(sapi::flexmatch::AttributeValue::number(double(n % 50)));
    p.decoded.latencies.push_back({"eu-west-1", 50});
    t.players.push_back(std::move(p));
    return t;
  }

  sapi::store::TicketRecord record(const mm::TicketView& t) {
    auto started = Steady::now();
    std::string state = mm::serialize_state(t, &rules_);
    encode_ns_ += double((Steady::now() - started).count());
    return {t.ticket_id,
            t.configuration,
            t.owner_player_id,
            std::string(mm::status_name(t.status)),
            mm::is_final(t.status),
            t.start_time,
            std::move(state),
            sapi::Clock::system().now()};
  }

  void submit_queued(uint64_t n) {
    {
      std::lock_guard lock(mu_);
      in_flight_++;
    }
    std::string id = new_id();
    store_.put_ticket(record(view(n, id)), [this, n, id](sapi::Status s) {
      std::lock_guard lock(mu_);
      in_flight_--;
      if (!s.ok()) failures_++;
      if (s.ok()) acked_++;
      if (s.ok()) matched_.emplace_back(n, id);
      cv_work_.notify_one();
      if (in_flight_ == 0) cv_done_.notify_all();
    });
  }

  // The matchmaking thread's part: the final write of each acknowledged ticket, and the next
  // ticket in its place while the run lasts.
  void work() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_work_.wait(lock, [this] { return stop_ || !matched_.empty(); });
      if (matched_.empty()) return;
      std::deque<std::pair<uint64_t, std::string>> batch;
      batch.swap(matched_);
      lock.unlock();
      for (auto& [n, id] : batch) {
        mm::TicketView t = view(n, id);
        t.status = mm::TicketStatus::kCompleted;
        t.status_reason = std::string(mm::kReasonMatched);
        t.end_time = sapi::Clock::system().now();
        t.match_id = fmt::format("{}-1", mm::random_hex(8));
        t.players[0].team = n % 2 ? "red" : "blue";
        t.players[0].player_session_id = "psess-" + mm::random_uuid();
        {
          std::lock_guard l(mu_);
          finals_in_flight_++;
        }
        store_.put_ticket(record(t), [this](sapi::Status s) {
          std::lock_guard l(mu_);
          finals_in_flight_--;
          if (!s.ok()) failures_++;
          if (finals_in_flight_ == 0) cv_done_.notify_all();
        });
        if (Steady::now() < deadline_) submit_queued(next_++);
      }
      lock.lock();
    }
  }

  sapi::store::TicketStore& store_;
  const sapi::flexmatch::RuleSet& rules_;
  const int concurrency_;
  const bool random_ids_;
  std::mutex mu_;
  std::condition_variable cv_done_, cv_work_;
  std::deque<std::pair<uint64_t, std::string>> matched_;
  Steady::time_point started_, deadline_;
  std::atomic<uint64_t> next_{0};
  int in_flight_ = 0;
  int finals_in_flight_ = 0;
  uint64_t acked_ = 0;
  uint64_t failures_ = 0;
  bool stop_ = false;
  double elapsed_ = 0;
  std::atomic<double> encode_ns_{0};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Durable matchmaking-ticket writes: QUEUED, then the final status"};
  int seconds = 3;
  int concurrency = 400;
  bool random_ids = false;
  std::string dir = fmt::format("bench-tickets-data-{}", getpid());
  app.add_option("--seconds", seconds, "Duration of the run")->check(CLI::Range(1, 600));
  app.add_option("--concurrency", concurrency, "QUEUED writes in flight")
      ->check(CLI::Range(1, 100000));
  app.add_flag("--random-ids", random_ids, "Random (version 4) ticket ids instead of time-ordered");
  app.add_option("--dir", dir, "Scratch data directory (on the disk to measure; removed)");
  CLI11_PARSE(app, argc, argv);

  auto parsed = sapi::flexmatch::parse_rule_set(kRuleSet);
  if (!parsed.ok()) return 2;
  std::filesystem::remove_all(dir);
  sapi::store::StoreOptions options;
  options.data_dir = dir;
  auto counter = std::make_shared<BatchCounter>();
  auto store = sapi::store::open_store(options, counter);
  if (!store.ok()) {
    fmt::print(stderr, "cannot open store: {}\n", store.status().to_string());
    return 1;
  }
  Load load((*store)->tickets(), *parsed.rule_set, concurrency, random_ids);
  double cpu_before = cpu_seconds(), writer_before = thread_cpu_seconds("store-writer");
  double written_before = written_bytes();
  uint64_t tickets = load.run(std::chrono::seconds(seconds));
  double cpu = cpu_seconds() - cpu_before;
  double writer = thread_cpu_seconds("store-writer") - writer_before;
  double written = written_bytes() - written_before;
  (*store)->close();
  auto db_bytes = std::filesystem::file_size(std::filesystem::path(dir) / options.file_name);
  std::filesystem::remove_all(dir);
  double n = double(std::max<uint64_t>(1, tickets));
  fmt::print(
      "{} tickets ({} ids), {} in flight: {:.0f} tickets/s, mean batch {:.1f}, writer {:.1f} "
      "us/ticket, process {:.1f} us/ticket (encoding {:.2f}), written {:.0f} bytes/ticket, "
      "database {:.0f} bytes/ticket, failures {}\n",
      tickets, random_ids ? "random" : "time-ordered", concurrency,
      double(tickets) / load.elapsed(), counter->mean_batch(), writer * 1e6 / n, cpu * 1e6 / n,
      load.encode_seconds() * 1e6 / n, written / n, double(db_bytes) / n, load.failures());
  return load.failures() == 0 ? 0 : 1;
}
