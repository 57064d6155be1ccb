#pragma once

// Shared by the matchmaking tests: configurations from inline rule sets, players, and a way
// to wait for the service's callbacks.

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "matchmaking/configuration.h"
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

}  // namespace sapi::matchmaking::testing
