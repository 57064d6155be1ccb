#pragma once

// Shared by the matchmaking tests: configurations from inline rule sets, players, and a way
// to wait for the service's callbacks.

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "matchmaking/configuration.h"
#include "matchmaking/placement.h"
#include "matchmaking/service.h"

namespace sapi::matchmaking::testing {

// A configuration document with one configuration of `name` whose rule set has one team per
// entry of `team_sizes` (min = max = size), a number attribute `skill` (default 10) and a
// string attribute `mode` without default; `extra` adds configuration keys.
inline std::string one_config(const std::string& name, std::vector<int> team_sizes,
                              const std::string& extra = "") {
  std::string teams;
  for (size_t i = 0; i < team_sizes.size(); ++i) {
    teams += (i ? "," : "") + std::string("{\"name\":\"t") + std::to_string(i) +
             "\",\"minPlayers\":" + std::to_string(team_sizes[i]) +
             ",\"maxPlayers\":" + std::to_string(team_sizes[i]) + "}";
  }
  return R"({"configurations":[{"name":")" + name + R"(",)" + extra +
         R"("ruleSetBody":{"name":"r","ruleLanguageVersion":"1.0","playerAttributes":[
           {"name":"skill","type":"number","default":10},{"name":"mode","type":"string"}],
           "teams":[)" +
         teams + "]}}]}";
}

inline std::vector<Configuration> configs(const std::string& document) {
  auto parsed = parse_configurations(document, ".");
  EXPECT_TRUE(parsed.ok()) << parsed.status().to_string();
  return parsed.ok() ? std::move(*parsed) : std::vector<Configuration>{};
}

// A player with `skill` and `mode` set, for the rule set of one_config().
inline flexmatch::Player player(const std::string& id, double skill = 10) {
  flexmatch::Player p;
  p.id = id;
  p.attributes = {flexmatch::AttributeValue::number(skill),
                  flexmatch::AttributeValue::string("ranked")};
  return p;
}

inline StartRequest request(const std::string& player_id, std::string configuration = "") {
  StartRequest r;
  r.owner_player_id = player_id;
  r.configuration = std::move(configuration);
  r.players = {player(player_id)};
  return r;
}

// Runs `call` with a callback and waits for the callback's result.
template <typename Call>
Result<TicketPtr> wait_result(Call call) {
  auto promise = std::make_shared<std::promise<Result<TicketPtr>>>();
  auto future = promise->get_future();
  call([promise](Result<TicketPtr> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return internal_error("no answer within 10 s");
  }
  return future.get();
}

// Starts a ticket and waits for the answer: the ticket as it was acknowledged, or null (and a
// test failure) when it was refused.
inline TicketPtr start_ticket(MatchmakingService& service, StartRequest r) {
  auto t = wait_result([&](auto done) { service.start(std::move(r), done); });
  EXPECT_TRUE(t.ok()) << t.status().to_string();
  return t.ok() ? *t : nullptr;
}

// The ticket `id` as the service describes it now, or null (and a test failure) when unknown.
inline TicketPtr describe_ticket(MatchmakingService& service, const std::string& id) {
  auto t = service.describe(id);
  EXPECT_TRUE(t.ok()) << id << ": " << t.status().to_string();
  return t.ok() ? *t : nullptr;
}

// A Placer the test drives by hand: it records each request and ends a placement when the
// test says so, with the outcome the test chooses.
class TestPlacer : public Placer {
 public:
  void place(PlacementRequest request, Done done) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    running_[request.placement_id] = std::move(done);
  }
  void abandon(const std::string& placement_id) override {
    std::lock_guard lock(mu_);
    if (running_.erase(placement_id)) abandoned_.push_back(placement_id);
  }

  // Ends the placement; false when it is not running (never placed, ended or abandoned).
  bool end(const std::string& placement_id, PlacementResult result) {
    Done done;
    {
      std::lock_guard lock(mu_);
      auto it = running_.find(placement_id);
      if (it == running_.end()) return false;
      done = std::move(it->second);
      running_.erase(it);
    }
    result.placement_id = placement_id;
    done(std::move(result));
    return true;
  }
  // A game session at 10.0.0.7:7777 with a player session `psess-<player id>` per player.
  static PlacementResult fulfilled(const PlacementRequest& r) {
    PlacementResult out;
    out.outcome = PlacementOutcome::kFulfilled;
    out.connection.game_session_arn = r.game_session_arn.empty()
                                          ? "arn:aws:gamelift:eu-west-1::gamesession/f/gs-1"
                                          : r.game_session_arn;
    out.connection.ip_address = "10.0.0.7";
    out.connection.dns_name = "gs.example.org";
    out.connection.port = 7777;
    for (const auto& p : r.players) {
      out.connection.player_sessions.push_back({p.player_id, "psess-" + p.player_id});
    }
    return out;
  }
  static PlacementResult ended(PlacementOutcome outcome, std::string message) {
    PlacementResult out;
    out.outcome = outcome;
    out.message = std::move(message);
    return out;
  }

  std::vector<PlacementRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<std::string> abandoned() const {
    std::lock_guard lock(mu_);
    return abandoned_;
  }
  size_t running() const {
    std::lock_guard lock(mu_);
    return running_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<PlacementRequest> requests_;
  std::map<std::string, Done> running_;
  std::vector<std::string> abandoned_;
};

}  // namespace sapi::matchmaking::testing
