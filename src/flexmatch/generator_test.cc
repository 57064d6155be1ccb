#include "flexmatch/generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "flexmatch/simulation_input.h"

namespace sapi::flexmatch {
namespace {

const std::vector<GeneratedAttribute> kSkillOnly = {{"skill", GeneratedKind::kNumber, false}};

TEST(GeneratorSpec, ReadsEveryKey) {
  auto spec = parse_generator_spec(R"({"seed": 9, "durationSeconds": 60, "arrivalsPerSecond": 5,
      "skill": {"attribute": "mmr", "mean": 50, "stddev": 5, "min": 0, "max": 100},
      "regions": {"a": 1, "b": 3}, "latency": {"home": {"mean": 10, "stddev": 1}},
      "partySizes": {"1": 1, "3": 1}, "attributes": {"mode": ["x", "y"]}})");
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  EXPECT_EQ(spec->seed, 9u);
  EXPECT_EQ(spec->skill_attribute, "mmr");
  EXPECT_EQ(spec->regions.at("b"), 3);
  EXPECT_EQ(spec->party_sizes.size(), 2u);
  EXPECT_EQ(spec->attribute_values.at("mode").size(), 2u);
}

TEST(GeneratorSpec, ErrorsNameTheKey) {
  auto bad = parse_generator_spec(R"({"partySizes": {"11": 1}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("partySizes.11"), std::string::npos);
  auto neg = parse_generator_spec(R"({"skill": {"stddev": -1}})");
  ASSERT_FALSE(neg.ok());
  EXPECT_NE(neg.status().message().find("skill.stddev"), std::string::npos);
  EXPECT_FALSE(parse_generator_spec("not json").ok());
}

TEST(Generator, ArrivalRateAndDurationAreRespected) {
  GeneratorSpec spec;
  spec.arrivals_per_second = 50;
  spec.duration_seconds = 100;
  auto stream = generate_tickets(spec, kSkillOnly);
  // Poisson with mean 5000: four standard deviations is about 280.
  EXPECT_NEAR(static_cast<double>(stream.size()), 5000, 300);
  for (size_t i = 1; i < stream.size(); ++i) EXPECT_LE(stream[i - 1].at, stream[i].at);
  EXPECT_LT(stream.back().at, 100);
}

TEST(Generator, SameSpecSameStream) {
  GeneratorSpec spec;
  auto a = generate_tickets(spec, kSkillOnly);
  auto b = generate_tickets(spec, kSkillOnly);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(ticket_line(a[i]), ticket_line(b[i]));
  spec.seed = 2;
  EXPECT_NE(ticket_line(generate_tickets(spec, kSkillOnly)[0]), ticket_line(a[0]));
}

TEST(Generator, PartiesShareAHomeRegionAndSkillIsClamped) {
  GeneratorSpec spec;
  spec.party_sizes = {{4, 1.0}};
  spec.regions = {{"near", 1}, {"far", 1}};
  spec.home_mean = 20, spec.home_stddev = 1, spec.away_mean = 200, spec.away_stddev = 1;
  spec.skill_min = 900, spec.skill_max = 1100;
  auto stream = generate_tickets(spec, kSkillOnly);
  ASSERT_FALSE(stream.empty());
  std::set<std::string> ids;
  for (const auto& t : stream) {
    ASSERT_EQ(t.players.size(), 4u);
    std::string home;
    for (const auto& p : t.players) {
      EXPECT_TRUE(ids.insert(p.player_id).second);
      double skill = p.attributes.at("skill").as_double();
      EXPECT_GE(skill, 900);
      EXPECT_LE(skill, 1100);
      for (const auto& [region, ms] : p.latency_ms) {
        if (ms < 100) {
          if (home.empty()) home = region;
          EXPECT_EQ(region, home);
        }
      }
    }
    EXPECT_FALSE(home.empty());
  }
}

TEST(Generator, AttributesWithDefaultsAreLeftOutUnlessNamed) {
  GeneratorSpec spec;
  spec.attribute_values["mode"] = {boost::json::value("ranked")};
  std::vector<GeneratedAttribute> attrs = {{"skill", GeneratedKind::kNumber, false},
                                           {"mode", GeneratedKind::kString, true},
                                           {"level", GeneratedKind::kNumber, true},
                                           {"maps", GeneratedKind::kStringList, false}};
  auto stream = generate_tickets(spec, attrs);
  ASSERT_FALSE(stream.empty());
  const auto& a = stream[0].players[0].attributes;
  EXPECT_EQ(a.at("mode").as_string(), "ranked");
  EXPECT_FALSE(a.contains("level"));
  EXPECT_TRUE(a.at("maps").is_array());
}

TEST(TicketLines, RoundTripAndSortByArrival) {
  auto parsed = parse_ticket_lines(
      "{\"at\": 5, \"ticketId\": \"b\", \"players\": [{\"playerId\": \"p2\"}]}\n\n"
      "{\"at\": 1.5, \"ticketId\": \"a\", \"players\": [{\"playerId\": \"p1\", "
      "\"attributes\": {\"skill\": 10}, \"latencyInMs\": {\"r\": 30}}]}\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].ticket_id, "a");
  EXPECT_EQ((*parsed)[0].players[0].latency_ms[0].second, 30);
  auto again = parse_ticket_lines(ticket_line((*parsed)[0]));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ticket_line((*again)[0]), ticket_line((*parsed)[0]));
}

TEST(TicketLines, ErrorsNameTheLine) {
  auto bad = parse_ticket_lines("{\"at\": 1, \"ticketId\": \"a\", \"players\": [{}]}\n{");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 1: players[0].playerId"), std::string::npos);
  auto bad2 = parse_ticket_lines("{\"at\": -1, \"ticketId\": \"a\", \"players\": []}");
  ASSERT_FALSE(bad2.ok());
  EXPECT_NE(bad2.status().message().find("line 1: at"), std::string::npos);
}

}  // namespace
}  // namespace sapi::flexmatch
