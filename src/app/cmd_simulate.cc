#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "app/commands.h"
#include "flexmatch/generator.h"
#include "flexmatch/report.h"
#include "flexmatch/rule_set_parser.h"
#include "flexmatch/simulator.h"

namespace sapi::app {
namespace {

namespace fm = sapi::flexmatch;

struct SimulateArgs {
  std::string ruleset;
  std::string tickets;
  std::string generate;
  std::string report;
  std::string write_tickets;
  double tick = 1;
  double horizon = -1;
  bool json = false;
};

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument(fmt::format("cannot read {}", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return invalid_argument(fmt::format("cannot write {}", path));
  return {};
}

std::vector<fm::GeneratedAttribute> generated_attributes(const fm::RuleSet& rules) {
  std::vector<fm::GeneratedAttribute> out;
  for (const auto& a : rules.attributes) {
    fm::GeneratedKind kind = fm::GeneratedKind::kNumber;
    switch (a.type) {
      case fm::AttributeType::kNumber:
        kind = fm::GeneratedKind::kNumber;
        break;
      case fm::AttributeType::kString:
        kind = fm::GeneratedKind::kString;
        break;
      case fm::AttributeType::kStringList:
        kind = fm::GeneratedKind::kStringList;
        break;
      case fm::AttributeType::kStringNumberMap:
        kind = fm::GeneratedKind::kStringNumberMap;
        break;
    }
    out.push_back({a.name, kind, a.default_value.present()});
  }
  return out;
}

Result<std::vector<fm::TicketArrival>> load_tickets(const SimulateArgs& args,
                                                    const fm::RuleSet& rules,
                                                    std::string& skill_attribute) {
  if (!args.tickets.empty()) {
    auto text = read_file(args.tickets);
    if (!text.ok()) return text.status();
    auto parsed = fm::parse_ticket_lines(*text);
    if (!parsed.ok()) return invalid_argument(args.tickets + ": " + parsed.status().message());
    return parsed;
  }
  std::string spec_text = args.generate;
  if (spec_text.find('{') == std::string::npos) {
    auto text = read_file(args.generate);
    if (!text.ok()) return text.status();
    spec_text = *text;
  }
  auto spec = fm::parse_generator_spec(spec_text);
  if (!spec.ok()) return invalid_argument("--generate: " + spec.status().message());
  if (rules.attribute_index(spec->skill_attribute) >= 0) skill_attribute = spec->skill_attribute;
  return fm::generate_tickets(*spec, generated_attributes(rules));
}

// A one-line progress bar on stderr, only when stderr is a terminal.
std::function<void(double)> progress_bar() {
  if (!isatty(STDERR_FILENO)) return {};
  return [last = -1](double fraction) mutable {
    int percent = static_cast<int>(fraction * 100);
    if (percent == last) return;
    last = percent;
    int filled = percent * 40 / 100;
    std::fprintf(stderr, "\r[%s%s] %3d%%", std::string(filled, '#').c_str(),
                 std::string(40 - filled, ' ').c_str(), percent);
    if (percent >= 100) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

void print_text(const fm::SimulationResult& r) {
  for (const auto& m : r.matches) {
    std::string teams;
    for (const auto& [name, players] : m.teams) {
      teams += fmt::format(" {}: [{}]", name, fmt::join(players, ", "));
    }
    std::cout << fmt::format("{:>8.1f}s {} tickets [{}]{}\n", m.at, m.match_id,
                             fmt::join(m.ticket_ids, ", "), teams);
  }
  for (const auto& u : r.unmatched) {
    std::cout << fmt::format("never matched: {} (arrived at {:.1f}s){}{}\n", u.ticket_id,
                             u.arrived_at, u.reason.empty() ? "" : ": ", u.reason);
  }
}

int run_simulate(const SimulateArgs& args) {
  if (args.tickets.empty() == args.generate.empty()) {
    std::cerr << "simulate: give exactly one of --tickets FILE and --generate SPEC\n";
    return 1;
  }
  auto body = read_file(args.ruleset);
  if (!body.ok()) {
    std::cerr << "simulate: " << body.status().message() << "\n";
    return 1;
  }
  auto parsed = fm::parse_rule_set(*body);
  for (const auto& d : parsed.diagnostics) {
    std::cerr << args.ruleset << ": " << (d.is_error() ? "error: " : "warning: ") << d.to_string()
              << "\n";
  }
  if (!parsed.ok()) return 1;
  const fm::RuleSet& rules = *parsed.rule_set;
  fm::SimulationOptions options;
  options.tick_seconds = args.tick;
  options.horizon_seconds = args.horizon;
  auto arrivals = load_tickets(args, rules, options.skill_attribute);
  if (!arrivals.ok()) {
    std::cerr << "simulate: " << arrivals.status().message() << "\n";
    return 1;
  }
  if (!args.write_tickets.empty()) {
    std::string lines;
    for (const auto& a : *arrivals) lines += fm::ticket_line(a) + "\n";
    if (Status s = write_file(args.write_tickets, lines); !s.ok()) {
      std::cerr << "simulate: " << s.message() << "\n";
      return 1;
    }
  }
  options.progress = progress_bar();
  auto result = fm::simulate(rules, *arrivals, options);
  if (args.json) {
    for (const auto& m : result.matches) std::cout << fm::match_json_line(m) << "\n";
    for (const auto& u : result.unmatched) std::cout << fm::unmatched_json_line(u) << "\n";
  } else {
    print_text(result);
  }
  for (const auto& r : result.rejected) std::cerr << "simulate: ticket refused: " << r << "\n";
  if (!args.report.empty()) {
    if (Status s = write_file(args.report, fm::render_report_html(result.report)); !s.ok()) {
      std::cerr << "simulate: " << s.message() << "\n";
      return 1;
    }
  }
  for (const auto& v : result.violations) std::cerr << "simulate: checker: " << v << "\n";
  return result.violations.empty() ? 0 : 1;
}

}  // namespace

void add_simulate_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = root.add_subcommand(
      "simulate", "Run the matchmaker on virtual time over a ticket stream and print the matches");
  cmd->add_option("--ruleset", args->ruleset, "FlexMatch rule set (JSON)")->required();
  cmd->add_option("--tickets", args->tickets,
                  "ticket file: one JSON object per line {at, ticketId, players}");
  cmd->add_option("--generate", args->generate,
                  "generate the stream from a spec (a JSON file, or inline JSON)");
  cmd->add_option("--tick", args->tick, "seconds of virtual time between matchmaking cycles")
      ->check(CLI::Range(0.001, 3600.0));
  cmd->add_option("--horizon", args->horizon,
                  "seconds to keep running after the last arrival (default: longest expansion "
                  "wait + 60)");
  cmd->add_flag("--json", args->json,
                "print JSON lines: one per match, then one per ticket "
                "that never matched");
  cmd->add_option("--report", args->report, "write a self-contained HTML report to this file");
  cmd->add_option("--write-tickets", args->write_tickets,
                  "write the (generated) ticket stream to this file as JSON lines");
  cmd->callback([args, &exit_code] { exit_code = run_simulate(*args); });
}

}  // namespace sapi::app
