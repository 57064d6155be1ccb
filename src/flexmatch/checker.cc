#include "flexmatch/checker.h"

#include <fmt/format.h>

#include <set>

#include "flexmatch/rule_eval.h"

namespace sapi::flexmatch {

std::string CheckReport::to_string() const {
  std::string out;
  for (const auto& v : violations) {
    out += v.rule.empty() ? v.reason : fmt::format("rule {}: {}", v.rule, v.reason);
    out += "\n";
  }
  return out;
}

namespace {

class Checker {
 public:
  Checker(const RuleSet& rs, const FormedMatch& m, Clock::TimePoint now)
      : rs_(rs), m_(m), now_(now), teams_(rs.teams.size()) {}

  CheckReport run() {
    if (m_.tickets.empty()) {
      add("the match has no tickets");
      return std::move(report_);
    }
    if (m_.tickets.size() != m_.ticket_teams.size()) {
      add(fmt::format("{} tickets but {} team assignments", m_.tickets.size(),
                      m_.ticket_teams.size()));
      return std::move(report_);
    }
    if (!place_tickets()) return std::move(report_);
    report_.expansion_age = rs_.expansion_age(ages_);
    check_sizes();
    for (auto& f : failed_rules(rs_, teams_, report_.expansion_age)) {
      report_.violations.push_back({rs_.rules[f.rule].name, std::move(f.reason)});
    }
    return std::move(report_);
  }

 private:
  void add(std::string reason) { report_.violations.push_back({"", std::move(reason)}); }

  bool valid_team(int t) const { return t >= 0 && static_cast<size_t>(t) < rs_.teams.size(); }

  // Puts every player on its team; structural problems are reported and stop the check when
  // the teams cannot be formed at all.
  bool place_tickets() {
    std::set<std::string> ticket_ids;
    std::set<std::string> player_ids;
    int backfills = 0;
    bool ok = true;
    for (size_t i = 0; i < m_.tickets.size(); ++i) {
      const Ticket* t = m_.tickets[i];
      if (t == nullptr) {
        add(fmt::format("ticket #{} is missing", i));
        ok = false;
        continue;
      }
      if (!ticket_ids.insert(t->id).second) add(fmt::format("ticket {} appears twice", t->id));
      ages_.push_back(t->age_seconds(now_));
      if (t->players.empty()) add(fmt::format("ticket {} has no players", t->id));
      if (t->backfill) {
        ++backfills;
      } else if (t->players.size() > kMaxPlayersPerTicket) {
        add(fmt::format("ticket {} has {} players; a party holds at most {}", t->id,
                        t->players.size(), kMaxPlayersPerTicket));
      }
      const int team = m_.ticket_teams[i];
      if (!t->backfill && !valid_team(team)) {
        add(fmt::format("ticket {} is placed on team #{}, which does not exist", t->id, team));
        ok = false;
        continue;
      }
      for (const auto& p : t->players) {
        if (!player_ids.insert(p.id).second) {
          add(fmt::format("player {} appears twice in the match", p.id));
        }
        if (auto why = unmatchable_reason(rs_, p)) add(*why);
        int placed = team;
        if (t->backfill) {
          if (!p.team || !valid_team(*p.team)) {
            add(fmt::format("player {} of backfill ticket {} has no valid team", p.id, t->id));
            ok = false;
            continue;
          }
          placed = *p.team;
        } else if (p.team && *p.team != team) {
          add(fmt::format("player {} asked for team {} but ticket {} is on team {}", p.id,
                          valid_team(*p.team) ? rs_.teams[*p.team].name : "?", t->id,
                          rs_.teams[team].name));
        }
        teams_[placed].push_back(&p);
      }
    }
    if (backfills > 1)
      add(fmt::format("the match holds {} backfill tickets; at most one", backfills));
    if (backfills == 1 && m_.tickets.size() == 1) {
      add("a backfill ticket never matches alone");
    }
    return ok;
  }

  void check_sizes() {
    const double age = report_.expansion_age;
    for (size_t t = 0; t < rs_.teams.size(); ++t) {
      const int n = static_cast<int>(teams_[t].size());
      const int lo = rs_.min_players(static_cast<int>(t), age);
      const int hi = rs_.max_players(static_cast<int>(t), age);
      if (n < lo) {
        add(fmt::format("team {} has {} players, fewer than minPlayers {} at expansion age {} s",
                        rs_.teams[t].name, n, lo, age));
      }
      if (n > hi) {
        add(fmt::format("team {} has {} players, more than maxPlayers {} at expansion age {} s",
                        rs_.teams[t].name, n, hi, age));
      }
    }
  }

  const RuleSet& rs_;
  const FormedMatch& m_;
  Clock::TimePoint now_;
  TeamPlayers teams_;
  std::vector<double> ages_;
  CheckReport report_;
};

}  // namespace

CheckReport check_match(const RuleSet& rs, const FormedMatch& match, Clock::TimePoint now) {
  return Checker(rs, match, now).run();
}

}  // namespace sapi::flexmatch
