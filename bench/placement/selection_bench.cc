// The choice of a game server alone (fleet::choose_server), no locking, no HTTP: how many
// placements a second one core can decide among N registered servers.
//
//   bench_placement_selection [--servers 1000] [--placements 200000] [--players 10]
//                             [--regions 5] [--seed 1]
//
// N servers of 20 slots spread over the regions; each placement is a match of `players`
// players who live near one region (20-60 ms there, 80-250 ms elsewhere, some reporting
// nothing). A chosen server gets the players' slots; the oldest game sessions end so that the
// fleet stays about 70% full, which keeps the candidates mixed (full, partly full, empty).
// Every call is timed alone (CPU time of this thread), and the same sequence of requests is
// decided by a straightforward baseline (each player's latency looked up per server, every
// qualifying server sorted) to show what the per-location view buys. Both must agree on
// every choice, or the run fails.

#include <fmt/format.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "fleet/selection.h"

namespace {

namespace fleet = sapi::fleet;
using sapi::matchmaking::PlacementPlayer;

int64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

const std::vector<std::string> kRegions = {"eu-west-1", "eu-central-1",   "us-east-1",
                                           "us-west-2", "ap-northeast-1", "ap-southeast-2",
                                           "sa-east-1", "ca-central-1"};

constexpr int kSlots = 20;

struct Workload {
  std::vector<std::string> ids;
  std::vector<fleet::Candidate> servers;
  std::vector<std::vector<PlacementPlayer>> matches;
};

Workload make_workload(int servers, int placements, int players, int regions, uint32_t seed) {
  std::mt19937 rng(seed);
  Workload w;
  w.ids.reserve(servers);
  for (int i = 0; i < servers; ++i) w.ids.push_back(fmt::format("gsrv-{:05}", i));
  for (int i = 0; i < servers; ++i) {
    w.servers.push_back({w.ids[i], kRegions[i % regions], kSlots, 0, true});
  }
  std::uniform_int_distribution<int> home(0, regions - 1), near(20, 60), far(80, 250), pct(0, 99);
  for (int m = 0; m < placements; ++m) {
    int h = home(rng);
    std::vector<PlacementPlayer> match(players);
    for (int p = 0; p < players; ++p) {
      match[p].player_id = fmt::format("player-{}-{}", m, p);
      if (pct(rng) < 10) continue;  // no latency data
      for (int r = 0; r < regions; ++r) {
        match[p].latencies.push_back({kRegions[r], r == h ? near(rng) : far(rng)});
      }
      std::sort(match[p].latencies.begin(), match[p].latencies.end(),
                [](const auto& a, const auto& b) { return a.region < b.region; });
    }
    w.matches.push_back(std::move(match));
  }
  return w;
}

// The obvious implementation the real one is measured against: every player's latency is
// looked up for every server, and the qualifying servers are sorted by the same keys.
fleet::Selection baseline(const fleet::QueueConfig& queue,
                          std::span<const fleet::Candidate> candidates,
                          std::span<const PlacementPlayer> players, double age) {
  auto limit = fleet::active_latency_limit(queue, age);
  struct Scored {
    double avg;
    int rank, free;
    size_t index;
  };
  std::vector<Scored> ok;
  const int n = static_cast<int>(players.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    int free = c.max_players - c.used_slots;
    if (!c.healthy || free < n) continue;
    int rank = 0;
    if (!queue.locations.empty()) {
      auto it = std::find(queue.locations.begin(), queue.locations.end(), c.location);
      if (it == queue.locations.end()) continue;
      rank = static_cast<int>(it - queue.locations.begin());
    }
    int64_t sum = 0;
    int count = 0;
    bool within = true;
    for (const auto& p : players) {
      for (const auto& l : p.latencies) {
        if (l.region != c.location) continue;
        sum += l.ms;
        ++count;
        if (limit && l.ms > *limit) within = false;
      }
    }
    if (!within) continue;
    double avg = count ? static_cast<double>(sum) / count : 1e300;
    ok.push_back({avg, rank, free, i});
  }
  fleet::Selection s;
  if (ok.empty()) {
    s.outcome = fleet::SelectionOutcome::kNoCapacityNow;
    return s;
  }
  std::sort(ok.begin(), ok.end(), [](const Scored& a, const Scored& b) {
    if (a.avg != b.avg) return a.avg < b.avg;
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.free != b.free) return a.free < b.free;
    return a.index < b.index;
  });
  s.outcome = fleet::SelectionOutcome::kChosen;
  s.index = ok.front().index;
  return s;
}

struct RunResult {
  double seconds = 0;  // CPU time of all the calls
  std::vector<int64_t> call_ns;
  std::vector<size_t> chosen;  // server index, or SIZE_MAX when none
  int placed = 0;
};

template <typename Choose>
RunResult run(const Workload& w, const fleet::QueueConfig& queue, Choose choose) {
  std::vector<fleet::Candidate> servers = w.servers;
  int total_slots = 0;
  for (const auto& s : servers) total_slots += s.max_players;
  std::deque<std::pair<size_t, int>> sessions;  // server, players
  int used = 0;
  RunResult r;
  r.call_ns.reserve(w.matches.size());
  for (size_t m = 0; m < w.matches.size(); ++m) {
    const auto& match = w.matches[m];
    // Ages cycle through the policies so every limit is exercised.
    double age = static_cast<double>(m % 100);
    int64_t t0 = thread_cpu_ns();
    fleet::Selection s = choose(queue, servers, match, age);
    int64_t t1 = thread_cpu_ns();
    r.call_ns.push_back(t1 - t0);
    if (s.outcome != fleet::SelectionOutcome::kChosen) {
      r.chosen.push_back(SIZE_MAX);
      continue;
    }
    r.chosen.push_back(s.index);
    ++r.placed;
    int n = static_cast<int>(match.size());
    servers[s.index].used_slots += n;
    used += n;
    sessions.emplace_back(s.index, n);
    while (used > total_slots * 7 / 10) {
      auto [server, players] = sessions.front();
      sessions.pop_front();
      servers[server].used_slots -= players;
      used -= players;
    }
  }
  int64_t sum = 0;
  for (auto ns : r.call_ns) sum += ns;
  r.seconds = static_cast<double>(sum) / 1e9;
  return r;
}

double percentile_us(std::vector<int64_t> ns, double p) {
  if (ns.empty()) return 0;
  std::sort(ns.begin(), ns.end());
  size_t i = std::min(ns.size() - 1, static_cast<size_t>(p * static_cast<double>(ns.size())));
  return static_cast<double>(ns[i]) / 1e3;
}

void report(const char* name, const RunResult& r, size_t calls) {
  fmt::print("{:<10} {:>12.0f} {:>10.2f} {:>10.2f} {:>10.2f} {:>8}\n", name,
             static_cast<double>(calls) / r.seconds, r.seconds * 1e6 / static_cast<double>(calls),
             percentile_us(r.call_ns, 0.50), percentile_us(r.call_ns, 0.99), r.placed);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Placement: the choice of a game server, alone"};
  int servers = 1000, placements = 200000, players = 10, regions = 5;
  uint32_t seed = 1;
  app.add_option("--servers", servers, "registered game servers")->check(CLI::Range(1, 1000000));
  app.add_option("--placements", placements, "placements to decide")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--players", players, "players per match")->check(CLI::Range(1, 16));
  app.add_option("--regions", regions, "regions the servers are spread over")
      ->check(CLI::Range(1, static_cast<int>(kRegions.size())));
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);

  Workload w = make_workload(servers, placements, players, regions, seed);
  fleet::QueueConfig queue = fleet::default_queue();
  queue.timeout_seconds = 120;  // every policy is reached within the ages used

  RunResult real = run(w, queue, [](const auto& q, const auto& c, const auto& p, double age) {
    return fleet::choose_server(q, c, p, age);
  });
  RunResult base = run(w, queue, baseline);
  if (real.chosen != base.chosen) {
    fmt::print(stderr, "the choice and the baseline disagree\n");
    return 1;
  }
  fmt::print("{} servers in {} regions, {} placements of {} players, one thread (CPU time)\n",
             servers, regions, placements, players);
  fmt::print("{:<10} {:>12} {:>10} {:>10} {:>10} {:>8}\n", "choice", "per second", "mean us",
             "p50 us", "p99 us", "placed");
  report("choose", real, w.matches.size());
  report("baseline", base, w.matches.size());
  fmt::print("ratio (choose / baseline, per second): {:.2f}\n", base.seconds / real.seconds);
  return 0;
}
