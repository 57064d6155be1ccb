// Placement through the real parts, in one process: the Fleet (its lock, its tick thread, its
// SQLite writes) with N registered game servers simulated by a thread that long-polls each
// server's next game session and activates it, as a game server does over HTTP; then the
// MatchmakingService in front of it, to time a match from its creation to COMPLETED.
//
//   bench_placement_fleet [--servers 1000] [--regions 5] [--players 10] [--placements 30000]
//                         [--rate 5000] [--seconds 5] [--match-rate 200] [--data-dir DIR]
//
// 1. throughput: `placements` matches handed to Fleet::place() with 512 in flight; the rate
//    at which they are fulfilled (activated), wall clock.
// 2. latency: matches handed to the fleet at `rate` a second for `seconds` (open loop); the
//    time from place() to the fulfilled result, p50/p99/max, and the rate achieved.
// 3. match to COMPLETED: single-player tickets started into a WITH_QUEUE configuration of
//    one team of `players` whose players must all be within 100 ms of one region (a latency
//    rule, as the seed game's), at `match-rate` matches a second; the time from the
//    PotentialMatchCreated event to the MatchmakingSucceeded event of each match.
// Servers have 20 slots; the simulated servers end the oldest game sessions so that the fleet
// stays about 70% full. The phases with SQLite each start on an empty database of their own.
// Phases 1 and 2 run twice: with the SQLite store (the service's
// configuration) and with no store (the same run's in-memory ceiling).

#include <fmt/format.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fleet/fleet.h"
#include "matchmaking/configuration.h"
#include "matchmaking/service.h"
#include "store/store.h"

namespace {

namespace fleet = sapi::fleet;
namespace mm = sapi::matchmaking;
using Steady = std::chrono::steady_clock;
using std::chrono::duration;

constexpr int kSlots = 20;
const std::vector<std::string> kRegions = {"eu-west-1", "eu-central-1", "us-east-1", "us-west-2",
                                           "ap-northeast-1"};

// User + system CPU time of the whole process (every thread), in seconds.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

std::string key_of(int server) { return fmt::format("AKIABENCH{:011}", server); }
std::string id_of(int server) { return fmt::format("gsrv-bench-{:05}", server); }

// The game servers: each keeps one long poll open for its next game session; a session that
// arrives is queued for this thread, which activates it and polls again, heartbeats the
// servers in turn (100 a second, as 1,000 servers every 10 s), and ends the oldest sessions
// to keep the fleet about 70% full.
class ServerFarm {
 public:
  ServerFarm(fleet::Fleet& f, int servers) : fleet_(f), servers_(servers) {}
  ~ServerFarm() { stop(); }

  void start() {
    for (int i = 0; i < servers_; ++i) poll(i);
    thread_ = std::thread([this] { run(); });
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Arrival {
    int server;
    std::string game_session_id;
    int players;
  };

  void poll(int server) {
    auto deadline = sapi::Clock::system().now() + std::chrono::hours(1);
    fleet_.wait_for_game_session(
        key_of(server), id_of(server), deadline,
        [this, server](sapi::Result<std::optional<fleet::GameSession>> r) {
          std::lock_guard lock(mu_);
          if (!r.ok() || !*r) {
            repoll_.push_back(server);
          } else {
            arrivals_.push_back(
                {server, (*r)->game_session_id, static_cast<int>((*r)->player_sessions.size())});
          }
          cv_.notify_one();
        });
  }

  void run() {
    const int target = servers_ * kSlots * 7 / 10;
    int heartbeat_next = 0;
    auto next_heartbeat = Steady::now();
    std::unique_lock lock(mu_);
    while (!stopping_) {
      cv_.wait_until(lock, next_heartbeat,
                     [&] { return stopping_ || !arrivals_.empty() || !repoll_.empty(); });
      std::deque<Arrival> arrivals;
      arrivals.swap(arrivals_);
      std::vector<int> repoll;
      repoll.swap(repoll_);
      lock.unlock();
      for (const auto& a : arrivals) {
        auto activated = fleet_.activate(key_of(a.server), a.game_session_id, {});
        if (activated.ok()) {
          active_.push_back(a);
          in_use_ += a.players;
        }
        poll(a.server);
      }
      for (int s : repoll) poll(s);
      while (in_use_ > target && !active_.empty()) {
        const Arrival& oldest = active_.front();
        (void)fleet_.end_game_session(key_of(oldest.server), oldest.game_session_id, {});
        in_use_ -= oldest.players;
        active_.pop_front();
      }
      // One heartbeat per 10 ms; when this thread fell behind, the missed ones are skipped so
      // that heartbeats never crowd out activations.
      if (Steady::now() >= next_heartbeat) {
        (void)fleet_.heartbeat(key_of(heartbeat_next), id_of(heartbeat_next), std::nullopt,
                               fleet::Health::kHealthy);
        heartbeat_next = (heartbeat_next + 1) % servers_;
        next_heartbeat = std::max(next_heartbeat + std::chrono::milliseconds(10),
                                  Steady::now() - std::chrono::milliseconds(10));
      }
      lock.lock();
    }
  }

  fleet::Fleet& fleet_;
  int servers_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<Arrival> arrivals_;
  std::vector<int> repoll_;
  std::deque<Arrival> active_;  // this thread only
  int in_use_ = 0;
  std::thread thread_;
};

std::vector<mm::PlacementPlayer> players_of(std::mt19937& rng, int match, int players,
                                            int regions) {
  std::uniform_int_distribution<int> home(0, regions - 1), near(20, 60), far(80, 250);
  int h = home(rng);
  std::vector<mm::PlacementPlayer> out(players);
  for (int p = 0; p < players; ++p) {
    out[p].player_id = fmt::format("player-{}-{}", match, p);
    out[p].ticket_id = fmt::format("ticket-{}-{}", match, p);
    out[p].team = "players";
    for (int r = 0; r < regions; ++r) {
      out[p].latencies.push_back({kRegions[r], r == h ? near(rng) : far(rng)});
    }
    std::sort(out[p].latencies.begin(), out[p].latencies.end(),
              [](const auto& a, const auto& b) { return a.region < b.region; });
  }
  return out;
}

// Hands placements to the fleet and collects the results.
class Driver {
 public:
  Driver(fleet::Fleet& f, int players, int regions)
      : fleet_(f), players_(players), regions_(regions) {}

  void place_one() {
    int n = next_++;
    mm::PlacementRequest r;
    r.placement_id = fmt::format("match-{}", n);
    r.configuration = "bench";
    r.queue = "default";
    r.players = players_of(rng_, n, players_, regions_);
    r.matchmaker_data = R"({"matchId":"bench"})";
    auto sent = Steady::now();
    {
      std::lock_guard lock(mu_);
      ++in_flight_;
    }
    fleet_.place(std::move(r), [this, sent](mm::PlacementResult result) {
      auto took = Steady::now() - sent;
      std::lock_guard lock(mu_);
      --in_flight_;
      if (result.outcome == mm::PlacementOutcome::kFulfilled) {
        latencies_.push_back(duration<double, std::milli>(took).count());
      } else {
        ++failed_;
        if (first_failure_.empty()) first_failure_ = result.message;
      }
      cv_.notify_all();
    });
  }

  void wait_in_flight_below(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ < n; });
  }

  bool wait_all(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return in_flight_ == 0; });
  }

  struct Summary {
    size_t fulfilled;
    int failed;
    std::string first_failure;
    double p50, p99, max;
  };
  Summary summary() {
    std::lock_guard lock(mu_);
    std::vector<double> l = latencies_;
    std::sort(l.begin(), l.end());
    auto at = [&](double p) {
      return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))];
    };
    return {l.size(), failed_, first_failure_, at(0.5), at(0.99), l.empty() ? 0 : l.back()};
  }
  void reset() {
    std::lock_guard lock(mu_);
    latencies_.clear();
    failed_ = 0;
  }

 private:
  fleet::Fleet& fleet_;
  int players_, regions_;
  int next_ = 0;
  std::mt19937 rng_{7};
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  std::vector<double> latencies_;
  int failed_ = 0;
  std::string first_failure_;
};

std::unique_ptr<fleet::Fleet> make_fleet(sapi::store::FleetStore* store, int servers, int regions) {
  fleet::FleetOptions options;
  options.queue_named = [](const std::string& name) -> std::optional<fleet::QueueConfig> {
    if (name != fleet::kDefaultQueueName) return std::nullopt;
    return fleet::default_queue();
  };
  auto f = fleet::Fleet::create(options, store, sapi::Clock::system(), nullptr);
  if (!f.ok()) {
    fmt::print(stderr, "fleet: {}\n", f.status().to_string());
    std::exit(1);
  }
  for (int i = 0; i < servers; ++i) {
    fleet::GameServerSpec spec;
    spec.game_server_id = id_of(i);
    spec.ip_address = fmt::format("10.0.{}.{}", i / 250, i % 250 + 1);
    spec.port = 7777;
    spec.location = kRegions[i % regions];
    spec.max_players = kSlots;
    auto r = (*f)->register_server(key_of(i), spec, {});
    if (!r.ok()) {
      fmt::print(stderr, "register: {}\n", r.status().to_string());
      std::exit(1);
    }
  }
  return std::move(*f);
}

void print_line(const char* what, double per_second, const Driver::Summary& s) {
  fmt::print("{:<34} {:>10.0f} {:>9.2f} {:>9.2f} {:>9.2f} {:>9} {:>7}\n", what, per_second, s.p50,
             s.p99, s.max, s.fulfilled, s.failed);
  if (s.failed) fmt::print("  first failure: {}\n", s.first_failure);
}

struct FleetRun {
  double throughput = 0;
  double cpu_us = 0;
};

FleetRun run_fleet(const char* label, sapi::store::FleetStore* store, int servers, int regions,
                   int players, int placements, int rate, int seconds) {
  auto f = make_fleet(store, servers, regions);
  ServerFarm farm(*f, servers);
  farm.start();
  Driver driver(*f, players, regions);
  FleetRun out;

  // 1. Throughput, closed loop.
  auto t0 = Steady::now();
  double cpu0 = process_cpu_seconds();
  for (int i = 0; i < placements; ++i) {
    driver.wait_in_flight_below(512);
    driver.place_one();
  }
  if (!driver.wait_all(std::chrono::seconds(60))) fmt::print(stderr, "placements stuck\n");
  double took = duration<double>(Steady::now() - t0).count();
  double cpu = process_cpu_seconds() - cpu0;
  auto s = driver.summary();
  out.throughput = static_cast<double>(s.fulfilled) / took;
  out.cpu_us = cpu * 1e6 / static_cast<double>(std::max<size_t>(1, s.fulfilled));
  print_line(fmt::format("{} throughput", label).c_str(), out.throughput, s);
  fmt::print(
      "  process CPU per placement: {:.1f} us (all threads: fleet, store, servers, driver)\n",
      out.cpu_us);

  // 2. Latency at a fixed rate, open loop (a burst every millisecond).
  driver.reset();
  auto start = Steady::now();
  int sent = 0;
  const int total = rate * seconds;
  while (sent < total) {
    auto due = static_cast<int>(duration<double>(Steady::now() - start).count() * rate);
    for (; sent < std::min(due, total); ++sent) driver.place_one();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!driver.wait_all(std::chrono::seconds(60))) fmt::print(stderr, "placements stuck\n");
  double achieved = total / duration<double>(Steady::now() - start).count();
  print_line(fmt::format("{} at {}/s", label, rate).c_str(), achieved, driver.summary());
  farm.stop();
  f->stop();
  return out;
}

// 3. Tickets through the MatchmakingService into the fleet.
void run_match_to_completed(sapi::store::Store& store, int servers, int regions, int players,
                            int match_rate, int seconds) {
  auto f = make_fleet(&store.fleet(), servers, regions);
  ServerFarm farm(*f, servers);
  farm.start();
  std::string doc = fmt::format(
      R"({{"configurations": [{{"name": "bench", "flexMatchMode": "WITH_QUEUE",
          "requestTimeoutSeconds": 120, "ruleSetBody": {{"name": "bench",
          "ruleLanguageVersion": "1.0",
          "playerAttributes": [{{"name": "skill", "type": "number", "default": 10}}],
          "teams": [{{"name": "players", "minPlayers": {0}, "maxPlayers": {0}}}],
          "rules": [{{"name": "near", "type": "latency", "maxLatency": 100}}]}}}}]}})",
      players);
  auto configs = mm::parse_configurations(doc, ".");
  if (!configs.ok()) {
    fmt::print(stderr, "configuration: {}\n", configs.status().to_string());
    std::exit(1);
  }
  mm::ServiceOptions options;
  options.default_configuration = "bench";
  options.placer = f.get();
  auto service = mm::MatchmakingService::create(std::move(*configs), options, &store.tickets(),
                                                sapi::Clock::system());
  if (!service.ok()) {
    fmt::print(stderr, "service: {}\n", service.status().to_string());
    std::exit(1);
  }
  std::mutex mu;
  std::map<std::string, Steady::time_point> matched;
  std::vector<double> took;
  int failed = 0;
  (*service)->events().subscribe([&](const mm::MatchmakingEvent& e) {
    auto now = Steady::now();
    const std::string& id = e.detail.match_id;
    std::lock_guard lock(mu);
    if (e.type == "PotentialMatchCreated" && !id.empty()) {
      matched[id] = now;
    } else if (e.type == "MatchmakingSucceeded" && !id.empty()) {
      auto it = matched.find(id);
      if (it != matched.end()) {
        took.push_back(duration<double, std::milli>(now - it->second).count());
        matched.erase(it);
      }
    } else if (e.type == "MatchmakingFailed" || e.type == "MatchmakingTimedOut") {
      ++failed;
    }
  });

  std::mt19937 rng(3);
  std::uniform_int_distribution<int> skill(1, 100), near(20, 60), far(80, 250);
  const int tickets_per_second = match_rate * players;
  const int total = tickets_per_second * seconds;
  auto start = Steady::now();
  int sent = 0;
  while (sent < total) {
    auto due =
        static_cast<int>(duration<double>(Steady::now() - start).count() * tickets_per_second);
    for (; sent < std::min(due, total); ++sent) {
      mm::StartRequest r;
      r.owner_player_id = fmt::format("p{}", sent);
      r.configuration = "bench";
      sapi::flexmatch::Player p;
      p.id = r.owner_player_id;
      p.attributes = {sapi::flexmatch::AttributeValue::number(skill(rng))};
      int home = (sent / players) % regions;  // a match's players share a home region
      for (int g = 0; g < regions; ++g)
        p.latencies.push_back({kRegions[g], g == home ? near(rng) : far(rng)});
      std::sort(p.latencies.begin(), p.latencies.end(),
                [](const auto& a, const auto& b) { return a.region < b.region; });
      r.players = {std::move(p)};
      (*service)->start(std::move(r), [](auto) {});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Let the last matches finish.
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(mu);
      if (static_cast<int>(took.size()) + failed >= total / players) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  double elapsed = duration<double>(Steady::now() - start).count();
  std::vector<double> l;
  {
    std::lock_guard lock(mu);
    l = took;
  }
  std::sort(l.begin(), l.end());
  auto at = [&](double p) {
    return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))];
  };
  Driver::Summary s{l.size(), failed, "", at(0.5), at(0.99), l.empty() ? 0 : l.back()};
  print_line(fmt::format("match to COMPLETED at {}/s", match_rate).c_str(),
             static_cast<double>(l.size()) / elapsed, s);
  (*service)->stop();
  farm.stop();
  f->stop();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Placement through the Fleet and the MatchmakingService, in process"};
  int servers = 1000, regions = 5, players = 10, placements = 30000, rate = 5000, seconds = 5,
      match_rate = 200;
  std::string data_dir;
  app.add_option("--servers", servers, "registered game servers")->check(CLI::Range(1, 100000));
  app.add_option("--regions", regions, "regions")->check(CLI::Range(1, 5));
  app.add_option("--players", players, "players per match")->check(CLI::Range(1, kSlots));
  app.add_option("--placements", placements, "placements in the throughput phase")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--rate", rate, "placements a second in the latency phase")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--seconds", seconds, "length of the fixed-rate phases")
      ->check(CLI::Range(1, 3600));
  app.add_option("--match-rate", match_rate, "matches a second through the matchmaking service")
      ->check(CLI::Range(0, 100000));
  app.add_option("--data-dir", data_dir, "where the SQLite database goes (default: a temp dir)");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::path dir = data_dir.empty() ? std::filesystem::temp_directory_path() /
                                                     fmt::format("bench-placement-{}", ::getpid())
                                               : std::filesystem::path(data_dir);
  // Each phase that writes gets a database of its own: a fleet restores the game sessions
  // it finds, and sessions left running by an earlier phase would fill its servers.
  auto open_store_in = [&](const char* sub) {
    sapi::store::StoreOptions store_options;
    store_options.data_dir = (dir / sub).string();
    std::filesystem::create_directories(store_options.data_dir);
    auto store = sapi::store::open_store(store_options);
    if (!store.ok()) {
      fmt::print(stderr, "store: {}\n", store.status().to_string());
      std::exit(1);
    }
    return std::move(*store);
  };
  auto store = open_store_in("fleet");

  fmt::print("{} servers of {} slots in {} regions, matches of {} players, default queue\n",
             servers, kSlots, regions, players);
  fmt::print("{:<34} {:>10} {:>9} {:>9} {:>9} {:>9} {:>7}\n", "phase", "per second", "p50 ms",
             "p99 ms", "max ms", "fulfilled", "failed");
  FleetRun durable = run_fleet("fleet+sqlite", &store->fleet(), servers, regions, players,
                               placements, rate, seconds);
  store->close();
  FleetRun memory =
      run_fleet("fleet, no store", nullptr, servers, regions, players, placements, rate, seconds);
  fmt::print("ratio (sqlite / no store): throughput {:.2f}, CPU per placement {:.2f}\n",
             durable.throughput / memory.throughput, durable.cpu_us / memory.cpu_us);
  if (match_rate > 0) {
    auto match_store = open_store_in("match");
    run_match_to_completed(*match_store, servers, regions, players, match_rate, seconds);
    match_store->close();
  }
  if (data_dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
