// Two pieces of base/ that run on every request, each against what it replaced, measured in
// alternating rounds of the same run (nanoseconds per call, medians of the rounds):
// - the keyed hash of caller-chosen ids (base/keyed_hash.h) against the unkeyed std::hash, on
//   ticket ids as the service makes them (36-character UUIDs);
// - format_iso8601 (base/clock.h) against gmtime_r and fmt::format, on times a microsecond
//   apart.
//
//   bench_base [--rounds 7] [--calls 2000000]

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/keyed_hash.h"

namespace {

// Nanoseconds per call of `call(i)` for i in [0, calls).
template <typename Call>
double ns_per_call(int calls, Call call) {
  uint64_t sink = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) sink += call(i);
  std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
  // Keeps the loop from being optimized away.
  if (sink == 42) fmt::print("");
  return took.count() / calls;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The formatter format_iso8601 replaced: the C library's calendar and fmt.
std::string iso8601_by_gmtime(sapi::Clock::TimePoint t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

// Prints the medians of `a` and `b` and how they compare.
void report(const char* what, const char* a_name, const std::vector<double>& a, const char* b_name,
            const std::vector<double>& b) {
  double ma = median(a), mb = median(b);
  fmt::print("{}: {} {:.1f} ns, {} {:.1f} ns ({:+.1f} ns, {:.2f}x)\n", what, a_name, ma, b_name, mb,
             ma - mb, ma / mb);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"base/ pieces against what they replaced, ns per call"};
  int rounds = 7;
  int calls = 2'000'000;
  app.add_option("--rounds", rounds, "Alternating rounds of each")->check(CLI::Range(1, 1000));
  app.add_option("--calls", calls, "Calls per round")->check(CLI::Range(1000, 1'000'000'000));
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> ids;
  for (int i = 0; i < 1024; ++i) {
    ids.push_back(fmt::format("0192f3c4-7a1b-7c2d-8e3f-{:012x}", 0x405162738495ULL + i * 7919));
  }
  auto id = [&ids](int i) -> const std::string& { return ids[static_cast<size_t>(i) % 1024]; };
  const auto t0 = std::chrono::system_clock::now();
  auto at = [t0](int i) { return t0 + std::chrono::microseconds(i); };

  std::vector<double> keyed, standard, by_hand, by_gmtime;
  for (int r = 0; r < rounds; ++r) {
    keyed.push_back(ns_per_call(calls, [&](int i) { return sapi::keyed_hash(id(i)); }));
    standard.push_back(ns_per_call(calls, [&](int i) { return std::hash<std::string>{}(id(i)); }));
    by_hand.push_back(ns_per_call(calls, [&](int i) { return sapi::format_iso8601(at(i))[22]; }));
    by_gmtime.push_back(ns_per_call(calls, [&](int i) { return iso8601_by_gmtime(at(i))[22]; }));
  }
  fmt::print("medians of {} rounds of {} calls each\n", rounds, calls);
  report("hash of a 36-character id", "keyed_hash", keyed, "std::hash", standard);
  report("ISO 8601 time", "format_iso8601", by_hand, "gmtime_r + fmt", by_gmtime);
}
