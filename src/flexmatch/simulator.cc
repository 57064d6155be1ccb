#include "flexmatch/simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include "flexmatch/checker.h"

namespace sapi::flexmatch {
namespace {

namespace json = boost::json;

// Virtual time starts at a fixed instant so that runs are reproducible.
const Clock::TimePoint kEpoch = Clock::TimePoint(std::chrono::seconds(1767225600));

Clock::TimePoint at_seconds(double s) {
  return kEpoch +
         std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::duration<double>(s));
}

int skill_attribute(const RuleSet& rules, const std::string& wanted) {
  auto number = [&](int i) {
    return i >= 0 && rules.attributes[i].type == AttributeType::kNumber ? i : -1;
  };
  if (!wanted.empty()) return number(rules.attribute_index(wanted));
  if (rules.algorithm.balanced_attribute >= 0) return rules.algorithm.balanced_attribute;
  if (int i = number(rules.attribute_index("skill")); i >= 0) return i;
  for (size_t i = 0; i < rules.attributes.size(); ++i) {
    if (rules.attributes[i].type == AttributeType::kNumber) return static_cast<int>(i);
  }
  return -1;
}

double spread(const Match& m, int attribute) {
  double sum = 0, sq = 0, n = 0;
  for (const auto& t : m.tickets) {
    for (const auto& p : t.players) {
      if (!p.attributes[attribute].is_number()) continue;
      double v = p.attributes[attribute].as_number();
      sum += v, sq += v * v, n += 1;
    }
  }
  if (n == 0) return 0;
  double mean = sum / n;
  return std::sqrt(std::max(0.0, sq / n - mean * mean));
}

double default_horizon(const RuleSet& rules) {
  double longest = 0;
  for (const auto& e : rules.expansions) {
    for (const auto& s : e.steps) longest = std::max(longest, s.wait_seconds);
  }
  return longest + 60;
}

class Run {
 public:
  Run(const RuleSet& rules, const std::vector<TicketArrival>& arrivals,
      const SimulationOptions& options)
      : rules_(rules),
        arrivals_(arrivals),
        options_(options),
        matchmaker_(Matchmaker::create(rules, options.matchmaker)),
        skill_(skill_attribute(rules, options.skill_attribute)) {}

  SimulationResult run() {
    double tick = options_.tick_seconds > 0 ? options_.tick_seconds : 1;
    double last = arrivals_.empty() ? 0 : arrivals_.back().at;
    double horizon =
        options_.horizon_seconds >= 0 ? options_.horizon_seconds : default_horizon(rules_);
    double end = last + horizon;
    size_t next = 0;
    double t = 0;
    for (uint64_t k = 0;; ++k) {
      t = static_cast<double>(k) * tick;
      while (next < arrivals_.size() && arrivals_[next].at <= t + 1e-9) admit(arrivals_[next++]);
      cycle(t);
      if (options_.progress) options_.progress(std::min(1.0, end > 0 ? t / end : 1.0));
      bool drained = next == arrivals_.size() && matchmaker_->waiting() == 0;
      if (drained || t >= end) break;
    }
    result_.ended_at = t;
    finish();
    return std::move(result_);
  }

 private:
  void admit(const TicketArrival& a) {
    auto ticket = ticket_from_arrival(rules_, a, at_seconds(a.at));
    if (!ticket.ok()) {
      result_.rejected.push_back(ticket.status().message());
      return;
    }
    if (Status s = matchmaker_->add(std::move(*ticket)); !s.ok()) {
      result_.rejected.push_back(s.message());
      return;
    }
    arrived_at_[a.ticket_id] = a.at;
    order_.push_back(a.ticket_id);
  }

  void cycle(double t) {
    Clock::TimePoint now = at_seconds(t);
    auto cycle = matchmaker_->run_cycle(now);
    for (auto& m : cycle.matches) {
      CheckReport check = check_match(rules_, m.view(), now);
      for (const auto& v : check.violations) {
        result_.violations.push_back(
            fmt::format("{}: {}{}{}", m.match_id, v.rule, v.rule.empty() ? "" : ": ", v.reason));
      }
      record(t, m);
    }
  }

  void record(double t, const Match& m) {
    SimulatedMatch out;
    out.at = t;
    out.match_id = m.match_id;
    size_t players = 0;
    for (const auto& ticket : m.tickets) {
      out.ticket_ids.push_back(ticket.id);
      players += ticket.players.size();
      if (auto it = arrived_at_.find(ticket.id); it != arrived_at_.end()) {
        result_.report.wait_seconds.push_back(t - it->second);
        arrived_at_.erase(it);
      }
    }
    auto ids = m.team_player_ids(rules_);
    for (size_t i = 0; i < ids.size(); ++i) out.teams.emplace_back(rules_.teams[i].name, ids[i]);
    result_.report.matches++;
    result_.report.matched_tickets += m.tickets.size();
    result_.report.match_sizes.push_back(static_cast<double>(players));
    if (skill_ >= 0) result_.report.skill_spread.push_back(spread(m, skill_));
    result_.matches.push_back(std::move(out));
  }

  void finish() {
    for (const auto& id : order_) {
      auto it = arrived_at_.find(id);
      if (it == arrived_at_.end()) continue;
      result_.unmatched.push_back(
          {id, it->second, matchmaker_->unmatchable_reason(id).value_or("")});
    }
    auto& r = result_.report;
    r.title =
        fmt::format("Simulation of rule set {}", rules_.name.empty() ? "(unnamed)" : rules_.name);
    r.tickets = order_.size();
    r.simulated_seconds = result_.ended_at;
    if (skill_ >= 0) r.skill_attribute = rules_.attributes[skill_].name;
    r.rules = matchmaker_->rule_metrics();
  }

  const RuleSet& rules_;
  const std::vector<TicketArrival>& arrivals_;
  const SimulationOptions& options_;
  std::unique_ptr<Matchmaker> matchmaker_;
  int skill_;
  SimulationResult result_;
  std::unordered_map<std::string, double> arrived_at_;
  std::vector<std::string> order_;
};

// Seconds as the shortest decimal ("45", "117.92"): Boost.JSON would print "1.1792E2".
std::string seconds_text(double s) { return fmt::format("{}", std::round(s * 1000) / 1000); }

}  // namespace

Result<Ticket> ticket_from_arrival(const RuleSet& rules, const TicketArrival& arrival,
                                   Clock::TimePoint submitted) {
  Ticket t;
  t.id = arrival.ticket_id;
  t.submitted = submitted;
  if (arrival.players.empty() || arrival.players.size() > kMaxPlayersPerTicket) {
    return invalid_argument(fmt::format("ticket {}: expected 1 to {} players, found {}", t.id,
                                        kMaxPlayersPerTicket, arrival.players.size()));
  }
  for (const auto& pa : arrival.players) {
    Player p;
    p.id = pa.player_id;
    p.attributes.reserve(rules.attributes.size());
    for (const auto& decl : rules.attributes) {
      const auto* v = pa.attributes.if_contains(decl.name);
      if (v == nullptr) {
        p.attributes.push_back(decl.default_value);
        continue;
      }
      auto value = attribute_from_plain_json(*v, decl.type);
      if (!value.ok()) {
        return invalid_argument(fmt::format("ticket {}: player {}: attribute {}: {}", t.id, p.id,
                                            decl.name, value.status().message()));
      }
      p.attributes.push_back(std::move(*value));
    }
    for (const auto& [region, ms] : pa.latency_ms) p.latencies.push_back({region, ms});
    std::sort(p.latencies.begin(), p.latencies.end(),
              [](const auto& a, const auto& b) { return a.region < b.region; });
    t.players.push_back(std::move(p));
  }
  return t;
}

SimulationResult simulate(const RuleSet& rules, const std::vector<TicketArrival>& arrivals,
                          const SimulationOptions& options) {
  return Run(rules, arrivals, options).run();
}

std::string match_json_line(const SimulatedMatch& m) {
  json::object teams;
  for (const auto& [name, players] : m.teams) {
    json::array ids;
    for (const auto& p : players) ids.push_back(json::string(p));
    teams[name] = std::move(ids);
  }
  json::array tickets;
  for (const auto& id : m.ticket_ids) tickets.push_back(json::string(id));
  return fmt::format(R"({{"at":{},"matchId":{},"tickets":{},"teams":{}}})", seconds_text(m.at),
                     json::serialize(json::string(m.match_id)), json::serialize(tickets),
                     json::serialize(teams));
}

std::string unmatched_json_line(const UnmatchedTicket& t) {
  std::string reason;
  if (!t.reason.empty()) reason = ",\"reason\":" + json::serialize(json::string(t.reason));
  return fmt::format(R"({{"ticketId":{},"arrivedAt":{},"matched":false{}}})",
                     json::serialize(json::string(t.ticket_id)), seconds_text(t.arrived_at),
                     reason);
}

}  // namespace sapi::flexmatch
