// The matchmaker in-process, no HTTP: a 5v5 rule set with a skill distance rule, a latency
// rule and expansions, on pools of 1k to 1M waiting tickets.
//
//   bench_matchmaker [--quick] [--sizes 1000,10000,100000,1000000] [--rounds 5] [--seed 1]
//
// For each pool size: heap bytes per waiting ticket (glibc mallinfo2, tickets included), the
// first cycle over the full pool, then `rounds` steady cycles in which as many new tickets
// arrive as the previous cycle matched. Tickets matched per second is matched tickets over
// cycle time on this one thread. Every formed match goes through the independent checker
// (outside the timed region). Times are CPU time of the benchmark's one thread. Quality is compared
// on the same pool with a baseline that sorts each region's tickets by skill and cuts them into
// matches of 10. A stream run then compares wait times: the same arrivals fed to both, one cycle a
// second.

#include <fmt/format.h>
#include <malloc.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "flexmatch/checker.h"
#include "flexmatch/matchmaker.h"
#include "flexmatch/rule_set_parser.h"

namespace {

namespace fm = sapi::flexmatch;
// CPU time of this thread: "per core" even when the machine is shared.
struct ThreadClock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<ThreadClock>;
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec));
  }
};
using Steady = ThreadClock;
using TimePoint = sapi::Clock::TimePoint;

constexpr const char* kRuleSet = R"json({
  "name": "bench-5v5", "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number", "default": 1500}],
  "algorithm": {"strategy": "exhaustiveSearch", "batchingPreference": "sorted",
                "sortByAttributes": ["skill"]},
  "teams": [{"name": "red", "minPlayers": 5, "maxPlayers": 5},
            {"name": "blue", "minPlayers": 5, "maxPlayers": 5}],
  "rules": [
    {"name": "ClosestSkill", "type": "distanceSort", "sortAttribute": "skill"},
    {"name": "SkillRange", "type": "distance",
     "measurements": ["flatten(teams[*].players.attributes[skill])"],
     "referenceValue": "avg(flatten(teams[*].players.attributes[skill]))", "maxDistance": 50},
    {"name": "FastConnection", "type": "latency", "maxLatency": 80}],
  "expansions": [
    {"target": "rules[SkillRange].maxDistance",
     "steps": [{"waitTimeSeconds": 10, "value": 100}, {"waitTimeSeconds": 20, "value": 250}]},
    {"target": "rules[FastConnection].maxLatency",
     "steps": [{"waitTimeSeconds": 15, "value": 150}]}]})json";

const std::vector<std::string> kRegions = {"us-east-1", "us-west-2", "eu-west-1", "ap-south-1"};

class TicketMaker {
 public:
  explicit TicketMaker(uint64_t seed) : rng_(seed) {}

  fm::Ticket make(TimePoint submitted) {
    fm::Ticket t;
    t.id = fmt::format("t{}", ++n_);
    t.submitted = submitted;
    fm::Player p;
    p.id = fmt::format("p{}", n_);
    p.attributes.push_back(fm::AttributeValue::number(std::round(skill_(rng_))));
    size_t home = std::uniform_int_distribution<size_t>(0, kRegions.size() - 1)(rng_);
    for (size_t r = 0; r < kRegions.size(); ++r) {
      double ms = r == home ? home_(rng_) : away_(rng_);
      p.latencies.push_back({kRegions[r], static_cast<int>(std::clamp(ms, 5.0, 999.0))});
    }
    std::sort(p.latencies.begin(), p.latencies.end(),
              [](const auto& a, const auto& b) { return a.region < b.region; });
    t.players.push_back(std::move(p));
    return t;
  }

 private:
  std::mt19937_64 rng_;
  std::normal_distribution<double> skill_{1500, 300};
  std::normal_distribution<double> home_{40, 15};
  std::normal_distribution<double> away_{140, 40};
  uint64_t n_ = 0;
};

size_t heap_bytes() { return mallinfo2().uordblks; }

double stddev(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double sum = 0, sq = 0;
  for (double x : v) sum += x, sq += x * x;
  double mean = sum / v.size();
  return std::sqrt(std::max(0.0, sq / v.size() - mean * mean));
}

double match_spread(const fm::Match& m) {
  std::vector<double> skills;
  for (const auto& t : m.tickets) {
    for (const auto& p : t.players) skills.push_back(p.attributes[0].as_number());
  }
  return stddev(skills);
}

struct Lite {
  double skill;
  int region;  // lowest latency
  double submitted_s;
};

Lite lite(const fm::Ticket& t) {
  const auto& p = t.players[0];
  int best = 0;
  for (size_t r = 1; r < p.latencies.size(); ++r) {
    if (p.latencies[r].ms < p.latencies[best].ms) best = static_cast<int>(r);
  }
  return {p.attributes[0].as_number(), best,
          std::chrono::duration<double>(t.submitted.time_since_epoch()).count()};
}

// The baseline: per lowest-latency region, sort by skill and cut into matches of 10. Returns
// the within-match skill standard deviations; `rest` keeps the leftovers.
std::vector<double> baseline(std::vector<Lite> pool, std::vector<Lite>* rest,
                             std::vector<double>* waits, double now_s) {
  std::vector<double> spreads;
  std::map<int, std::vector<Lite>> by_region;
  for (const auto& t : pool) by_region[t.region].push_back(t);
  for (auto& [region, ts] : by_region) {
    std::sort(ts.begin(), ts.end(), [](const Lite& a, const Lite& b) { return a.skill < b.skill; });
    size_t full = ts.size() / 10 * 10;
    for (size_t i = 0; i < full; i += 10) {
      std::vector<double> skills;
      for (size_t j = i; j < i + 10; ++j) {
        skills.push_back(ts[j].skill);
        if (waits) waits->push_back(now_s - ts[j].submitted_s);
      }
      spreads.push_back(stddev(skills));
    }
    if (rest) rest->insert(rest->end(), ts.begin() + full, ts.end());
  }
  return spreads;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

struct SizeResult {
  size_t pool = 0;
  double bytes_per_ticket = 0;
  double add_us = 0;
  double first_cycle_ms = 0;
  size_t first_matched = 0;
  double steady_cycle_ms = 0;
  double matched_per_s = 0;
  double spread = 0, baseline_spread = 0;
  size_t violations = 0, checked = 0;
};

size_t check_all(const fm::RuleSet& rules, const std::vector<fm::Match>& matches, TimePoint now,
                 size_t& checked) {
  size_t bad = 0;
  for (const auto& m : matches) {
    checked++;
    auto report = fm::check_match(rules, m.view(), now);
    if (!report.ok()) {
      if (bad == 0) fmt::print(stderr, "checker: {}: {}\n", m.match_id, report.to_string());
      bad++;
    }
  }
  return bad;
}

SizeResult run_size(const fm::RuleSet& rules, size_t n, int rounds, uint64_t seed) {
  SizeResult r;
  r.pool = n;
  TicketMaker maker(seed);
  TimePoint now = TimePoint(std::chrono::seconds(1767225600));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> age(0, 30);
  size_t heap0 = heap_bytes();
  auto mm = fm::Matchmaker::create(rules);
  std::vector<Lite> snapshot;
  snapshot.reserve(n);
  double add_s = 0;
  {
    std::vector<fm::Ticket> tickets;
    tickets.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      auto submitted = now - std::chrono::milliseconds(static_cast<int64_t>(age(rng) * 1000));
      tickets.push_back(maker.make(submitted));
      snapshot.push_back(lite(tickets.back()));
    }
    auto t0 = Steady::now();
    for (auto& t : tickets) {
      if (!mm->add(std::move(t)).ok()) std::abort();
    }
    add_s = std::chrono::duration<double>(Steady::now() - t0).count();
  }
  size_t snapshot_bytes = snapshot.capacity() * sizeof(Lite);
  r.bytes_per_ticket = static_cast<double>(heap_bytes() - heap0 - snapshot_bytes) / n;
  r.add_us = add_s * 1e6 / n;

  double cycle_s = 0;
  size_t matched = 0;
  std::vector<double> spreads;
  auto t0 = Steady::now();
  auto first = mm->run_cycle(now);
  double first_s = std::chrono::duration<double>(Steady::now() - t0).count();
  cycle_s += first_s;
  for (const auto& m : first.matches) {
    matched += m.tickets.size();
    spreads.push_back(match_spread(m));
  }
  r.first_cycle_ms = first_s * 1e3;
  r.first_matched = matched;
  r.violations += check_all(rules, first.matches, now, r.checked);
  r.spread = mean(spreads);
  r.baseline_spread = mean(baseline(snapshot, nullptr, nullptr, 0));

  size_t refill = matched;
  double steady_s = 0;
  for (int round = 0; round < rounds; ++round) {
    now += std::chrono::seconds(1);
    for (size_t i = 0; i < refill; ++i) {
      if (!mm->add(maker.make(now)).ok()) std::abort();
    }
    auto s0 = Steady::now();
    auto cycle = mm->run_cycle(now);
    double s = std::chrono::duration<double>(Steady::now() - s0).count();
    steady_s += s;
    cycle_s += s;
    refill = 0;
    for (const auto& m : cycle.matches) refill += m.tickets.size();
    matched += refill;
    r.violations += check_all(rules, cycle.matches, now, r.checked);
  }
  r.steady_cycle_ms = rounds > 0 ? steady_s * 1e3 / rounds : 0;
  r.matched_per_s = matched / cycle_s;
  return r;
}

struct StreamResult {
  double rate = 0, seconds = 0;
  double wait_mean = 0, wait_p90 = 0, spread = 0;
  double base_wait_mean = 0, base_wait_p90 = 0, base_spread = 0;
  size_t matched = 0, base_matched = 0;
};

StreamResult run_stream(const fm::RuleSet& rules, double rate, double seconds, uint64_t seed) {
  StreamResult s;
  s.rate = rate;
  s.seconds = seconds;
  TicketMaker maker(seed);
  TimePoint start = TimePoint(std::chrono::seconds(1767225600));
  auto mm = fm::Matchmaker::create(rules);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(rate);
  std::vector<double> waits, spreads, base_waits, base_spreads;
  std::vector<Lite> base_pool;
  double t = gap(rng);
  for (int tick = 1; tick <= static_cast<int>(seconds); ++tick) {
    for (; t <= tick; t += gap(rng)) {
      auto submitted = start + std::chrono::microseconds(static_cast<int64_t>(t * 1e6));
      auto ticket = maker.make(submitted);
      base_pool.push_back(lite(ticket));
      if (!mm->add(std::move(ticket)).ok()) std::abort();
    }
    TimePoint now = start + std::chrono::seconds(tick);
    double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
    for (const auto& m : mm->run_cycle(now).matches) {
      spreads.push_back(match_spread(m));
      for (const auto& ticket : m.tickets) {
        waits.push_back(std::chrono::duration<double>(now - ticket.submitted).count());
      }
    }
    std::vector<Lite> rest;
    auto sp = baseline(std::move(base_pool), &rest, &base_waits, now_s);
    base_spreads.insert(base_spreads.end(), sp.begin(), sp.end());
    base_pool = std::move(rest);
  }
  s.matched = waits.size();
  s.base_matched = base_waits.size();
  s.wait_mean = mean(waits);
  s.wait_p90 = percentile(waits, 0.9);
  s.spread = mean(spreads);
  s.base_wait_mean = mean(base_waits);
  s.base_wait_p90 = percentile(base_waits, 0.9);
  s.base_spread = mean(base_spreads);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"session-api matchmaker benchmark (in-process)"};
  bool quick = false;
  std::vector<size_t> sizes;
  int rounds = 5;
  uint64_t seed = 1;
  app.add_flag("--quick", quick, "CI-sized run: pools up to 100k, 2 steady rounds, short stream");
  app.add_option("--sizes", sizes, "pool sizes")->delimiter(',');
  app.add_option("--rounds", rounds, "steady cycles per pool size");
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);
  if (sizes.empty()) {
    sizes = quick ? std::vector<size_t>{1000, 10000, 100000}
                  : std::vector<size_t>{1000, 10000, 100000, 1000000};
  }
  if (quick) rounds = std::min(rounds, 2);

  auto parsed = fm::parse_rule_set(kRuleSet);
  if (!parsed.ok()) {
    for (const auto& d : parsed.diagnostics) fmt::print(stderr, "{}\n", d.to_string());
    return 1;
  }
  const fm::RuleSet& rules = *parsed.rule_set;

  fmt::print(
      "| waiting | bytes/ticket | add µs/ticket | first cycle ms | matched in first | "
      "steady cycle ms | matched/s (1 core) | cycle ns/(n log2 n) | skill sd | "
      "baseline sd | ratio |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|\n");
  size_t violations = 0;
  for (size_t n : sizes) {
    SizeResult r = run_size(rules, n, rounds, seed);
    violations += r.violations;
    double nlogn = n * std::log2(static_cast<double>(n));
    fmt::print(
        "| {} | {:.0f} | {:.2f} | {:.1f} | {} | {:.1f} | {:.0f} | {:.2f} | {:.1f} | {:.1f} | "
        "{:.2f} |\n",
        n, r.bytes_per_ticket, r.add_us, r.first_cycle_ms, r.first_matched, r.steady_cycle_ms,
        r.matched_per_s, r.first_cycle_ms * 1e6 / nlogn, r.spread, r.baseline_spread,
        r.baseline_spread > 0 ? r.spread / r.baseline_spread : 0);
    std::fflush(stdout);
  }
  double rate = quick ? 200 : 1000;
  double seconds = quick ? 60 : 120;
  StreamResult s = run_stream(rules, rate, seconds, seed);
  fmt::print("\nstream: {} tickets/s for {} s, one cycle per second\n", rate, seconds);
  fmt::print(
      "| matcher | matched | mean wait s | p90 wait s | mean skill sd |\n|---|---|---|---|---|\n");
  fmt::print("| matchmaker | {} | {:.2f} | {:.2f} | {:.1f} |\n", s.matched, s.wait_mean, s.wait_p90,
             s.spread);
  fmt::print("| sort-and-chunk baseline | {} | {:.2f} | {:.2f} | {:.1f} |\n", s.base_matched,
             s.base_wait_mean, s.base_wait_p90, s.base_spread);
  fmt::print("\nchecker violations: {}\n", violations);
  return violations == 0 ? 0 : 1;
}
