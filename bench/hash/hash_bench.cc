// The keyed hash of caller-chosen ids (base/keyed_hash.h) against the unkeyed std::hash it
// replaced, on ticket ids as the service makes them (36-character UUIDs): nanoseconds per
// hash of each, measured in alternating rounds in the same run, and the difference.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/keyed_hash.h"

namespace {

template <typename Hash>
double ns_per_hash(const std::vector<std::string>& ids, int hashes, Hash hash) {
  uint64_t sink = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < hashes; ++i) sink += hash(ids[static_cast<size_t>(i) % ids.size()]);
  std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
  // Keeps the loop from being optimized away.
  if (sink == 42) fmt::print("");
  return took.count() / hashes;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"keyed_hash against std::hash, ns per hash"};
  int rounds = 7;
  int hashes = 2'000'000;
  app.add_option("--rounds", rounds, "Alternating rounds of each")->check(CLI::Range(1, 1000));
  app.add_option("--hashes", hashes, "Hashes per round")->check(CLI::Range(1000, 1'000'000'000));
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> ids;
  for (int i = 0; i < 1024; ++i) {
    ids.push_back(fmt::format("0192f3c4-7a1b-7c2d-8e3f-{:012x}", 0x405162738495ULL + i * 7919));
  }
  std::vector<double> keyed, standard;
  for (int r = 0; r < rounds; ++r) {
    keyed.push_back(
        ns_per_hash(ids, hashes, [](const std::string& s) { return sapi::keyed_hash(s); }));
    standard.push_back(
        ns_per_hash(ids, hashes, [](const std::string& s) { return std::hash<std::string>{}(s); }));
  }
  double k = median(keyed), s = median(standard);
  fmt::print(
      "keyed_hash {:.1f} ns, std::hash {:.1f} ns per 36-character id (medians of {} rounds)\n", k,
      s, rounds);
  fmt::print("keyed costs {:.1f} ns more per hash, {:.1f}x\n", k - s, k / s);
}
