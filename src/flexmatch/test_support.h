#pragma once

// Shared by the flexmatch tests: rule sets from text and small hand-built teams.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flexmatch/rule_eval.h"
#include "flexmatch/rule_set_parser.h"
#include "flexmatch/ticket_json.h"

namespace sapi::flexmatch::testing {

// Parses a rule set that must be valid; the diagnostics are printed when it is not.
inline RuleSet valid_rule_set(std::string_view body) {
  auto o = parse_rule_set(body);
  std::string diags;
  for (const auto& d : o.diagnostics) diags += d.to_string() + "\n";
  EXPECT_TRUE(o.ok()) << diags;
  return o.ok() ? std::move(*o.rule_set) : RuleSet{};
}

// A player from the simulator's plain JSON, e.g.
// R"({"playerId":"a","attributes":{"skill":10},"latencyInMs":{"eu":30}})".
inline Player player(const RuleSet& rs, std::string_view plain_json) {
  auto p = player_from_plain_json(boost::json::parse(plain_json), rs);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? std::move(*p) : Player{};
}

// Players as teams for rule evaluation; `storage` owns them.
struct Teams {
  std::vector<std::vector<Player>> storage;
  TeamPlayers view() const {
    TeamPlayers out;
    for (const auto& t : storage) {
      out.emplace_back();
      for (const auto& p : t) out.back().push_back(&p);
    }
    return out;
  }
};

// Evaluates rule `name` and returns the verdict with its reason.
inline RuleVerdict verdict(const RuleSet& rs, std::string_view name, const Teams& teams,
                           double age = 0) {
  RuleVerdict v;
  const int idx = rs.rule_index(name);
  EXPECT_GE(idx, 0) << name;
  if (idx < 0) return v;
  v.pass = rule_passes(rs, idx, teams.view(), age, &v.reason);
  return v;
}

}  // namespace sapi::flexmatch::testing
