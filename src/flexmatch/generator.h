#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "flexmatch/simulation_input.h"

namespace sapi::flexmatch {

// What a generated stream looks like. Written by game designers as JSON (camelCase keys):
//
//   {"seed": 7, "durationSeconds": 600, "arrivalsPerSecond": 20,
//    "skill": {"attribute": "skill", "mean": 1000, "stddev": 200, "min": 0, "max": 3000},
//    "regions": {"us-east-1": 3, "eu-west-1": 1},
//    "latency": {"home": {"mean": 35, "stddev": 10}, "away": {"mean": 120, "stddev": 35}},
//    "partySizes": {"1": 0.8, "2": 0.15, "4": 0.05},
//    "attributes": {"GameMode": [["Classic"], ["Practice"]], "wantsToBeMonster": [0, 0, 1]}}
//
// Every key is optional. Arrivals are a Poisson process. Each ticket has a home region
// (weights as given) whose latency follows `home`, every other region follows `away`.
// `attributes` lists values to pick from uniformly for named attributes; other declared
// attributes without a default get the skill distribution (numbers) or a fixed value.
struct GeneratorSpec {
  uint64_t seed = 1;
  double duration_seconds = 300;
  double arrivals_per_second = 10;
  std::string skill_attribute = "skill";
  double skill_mean = 1000, skill_stddev = 200, skill_min = 0, skill_max = 3000;
  std::map<std::string, double> regions = {{"us-east-1", 1.0}};
  double home_mean = 35, home_stddev = 10, away_mean = 120, away_stddev = 35;
  std::map<int, double> party_sizes = {{1, 1.0}};
  std::map<std::string, std::vector<boost::json::value>> attribute_values;
};

// Reads a spec from JSON text; errors name the key.
Result<GeneratorSpec> parse_generator_spec(std::string_view json_text);

// The kind of value an attribute holds, as far as the generator cares.
enum class GeneratedKind { kNumber, kString, kStringList, kStringNumberMap };

// An attribute the rule set declares; attributes with a default are left out of generated
// tickets unless the spec names them (the default then applies).
struct GeneratedAttribute {
  std::string name;
  GeneratedKind kind = GeneratedKind::kNumber;
  bool has_default = false;
};

// Generates the stream, sorted by arrival time. Deterministic for a given spec.
std::vector<TicketArrival> generate_tickets(const GeneratorSpec& spec,
                                            const std::vector<GeneratedAttribute>& attributes);

}  // namespace sapi::flexmatch
