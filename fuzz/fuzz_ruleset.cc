// Feeds arbitrary bytes to the rule-set parser. A valid result must also survive rule
// evaluation on an empty and a one-player match, so that compiled expressions, statements and
// expansions built from odd input are exercised too.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flexmatch/rule_eval.h"
#include "flexmatch/rule_set_parser.h"
#include "flexmatch/ticket_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sapi::flexmatch;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  ParseOutcome out = parse_rule_set(body);
  for (const auto& d : out.diagnostics) (void)d.to_string();
  if (!out.ok()) return 0;
  const RuleSet& rs = *out.rule_set;
  TeamPlayers teams(rs.teams.size());
  (void)failed_rules(rs, teams, 0);
  if (!teams.empty()) {
    Player p = new_player(rs, "p");
    p.latencies.push_back({"r", 10});
    teams[0].push_back(&p);
    (void)failed_rules(rs, teams, 1e9);
    for (const auto& rule : rs.rules) {
      Ticket t{"t", {p}, {}, false};
      (void)sort_key(rs, rule, t, t);
    }
  }
  return 0;
}
