// Every rule set of the corpus runs in the simulator on a generated stream, and every match
// it forms passes the independent checker.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "flexmatch/generator.h"
#include "flexmatch/rule_set_parser.h"
#include "flexmatch/simulator.h"

namespace sapi::flexmatch {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus() {
  std::vector<fs::path> out;
  fs::path root = "testdata/flexmatch";
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".json") continue;
    if (e.path().string().find("nonstandard") != std::string::npos) continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<GeneratedAttribute> shapes(const RuleSet& rules) {
  std::vector<GeneratedAttribute> out;
  for (const auto& a : rules.attributes) {
    GeneratedKind kind = GeneratedKind::kNumber;
    if (a.type == AttributeType::kString) kind = GeneratedKind::kString;
    if (a.type == AttributeType::kStringList) kind = GeneratedKind::kStringList;
    if (a.type == AttributeType::kStringNumberMap) kind = GeneratedKind::kStringNumberMap;
    out.push_back({a.name, kind, a.default_value.present()});
  }
  return out;
}

TEST(SimulatorCorpus, EveryRuleSetFormsMatchesTheCheckerAccepts) {
  auto files = corpus();
  ASSERT_GE(files.size(), 10u) << "run from the repository root";
  size_t with_matches = 0;
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream body;
    body << in.rdbuf();
    auto parsed = parse_rule_set(body.str());
    ASSERT_TRUE(parsed.ok()) << path;
    const RuleSet& rules = *parsed.rule_set;
    GeneratorSpec spec;
    spec.duration_seconds = 60;
    spec.arrivals_per_second = rules.is_large_match() ? 20 : 4;
    spec.regions = {{"us-east-1", 2}, {"eu-west-1", 1}};
    spec.party_sizes = {{1, 0.8}, {2, 0.2}};
    spec.skill_mean = 30, spec.skill_stddev = 10, spec.skill_min = 0, spec.skill_max = 60;
    auto arrivals = generate_tickets(spec, shapes(rules));
    SimulationOptions options;
    options.horizon_seconds = 30;
    auto result = simulate(rules, arrivals, options);
    EXPECT_TRUE(result.violations.empty())
        << path << ": " << (result.violations.empty() ? "" : result.violations[0]);
    EXPECT_TRUE(result.rejected.empty()) << path;
    size_t matched = 0;
    for (const auto& m : result.matches) matched += m.ticket_ids.size();
    EXPECT_EQ(matched + result.unmatched.size(), arrivals.size()) << path;
    with_matches += !result.matches.empty();
  }
  // Most rule sets match something on a plain stream; the rest need attributes it lacks.
  EXPECT_GE(with_matches * 2, files.size());
}

}  // namespace
}  // namespace sapi::flexmatch
