#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sapi::flexmatch {

// Per-rule evaluation counts, as FlexMatch reports them in `ruleEvaluationMetrics`.
struct RuleCount {
  std::string rule;
  uint64_t passed = 0;
  uint64_t failed = 0;
};

// What a simulation run looked like, for a designer deciding whether a rule set is ready.
struct ReportData {
  std::string title;
  uint64_t tickets = 0;          // tickets that arrived
  uint64_t matched_tickets = 0;  // tickets that ended in a match
  uint64_t matches = 0;
  double simulated_seconds = 0;
  std::vector<double> wait_seconds;  // per matched ticket, arrival to match
  std::vector<double> match_sizes;   // players per match
  std::string skill_attribute;       // empty when the rule set has no number attribute
  std::vector<double> skill_spread;  // per match: standard deviation of the skill attribute
  std::vector<RuleCount> rules;
};

// A self-contained HTML page (inline CSS and SVG, no scripts, no external assets) with
// histograms of wait times, match sizes and skill spread, and a table and bar chart of the
// per-rule pass/fail counts.
std::string render_report_html(const ReportData& data);

}  // namespace sapi::flexmatch
