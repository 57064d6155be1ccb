// Game session queues: the file format, its validation and the latency policies over time.

#include "fleet/queue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sapi::fleet {
namespace {

TEST(Queues, ReadsEveryKey) {
  auto parsed = parse_queues(R"({"queues": [{"name": "eu-ranked", "timeoutInSeconds": 90,
      "locations": ["eu-west-1", "eu-central-1"],
      "playerLatencyPolicies": [
        {"maximumIndividualPlayerLatencyMilliseconds": 150, "policyDurationSeconds": 20},
        {"maximumIndividualPlayerLatencyMilliseconds": 250},
        {"maximumIndividualPlayerLatencyMilliseconds": 80, "policyDurationSeconds": 10}]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_EQ(parsed->size(), 1u);
  const QueueConfig& q = (*parsed)[0];
  EXPECT_EQ(q.name, "eu-ranked");
  EXPECT_EQ(q.timeout_seconds, 90);
  EXPECT_EQ(q.locations, (std::vector<std::string>{"eu-west-1", "eu-central-1"}));
  // Enforced from the strictest to the loosest, whatever the order in the file.
  EXPECT_EQ(q.latency_policies, (std::vector<LatencyPolicy>{{80, 10}, {150, 20}, {250, 0}}));
}

TEST(Queues, LocationsAndPoliciesAreOptional) {
  auto parsed = parse_queues(R"({"queues": [{"name": "any", "timeoutInSeconds": 5}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_TRUE((*parsed)[0].locations.empty());
  EXPECT_TRUE((*parsed)[0].latency_policies.empty());
}

TEST(Queues, ReportsEveryProblemAtOnceNamingQueueAndKey) {
  auto parsed = parse_queues(R"({"queues": [
      {"name": "a", "timeoutInSeconds": 0, "locations": ["eu-west-1", "eu-west-1", "bad region"],
       "priority": 1},
      {"name": "b", "playerLatencyPolicies": [
        {"maximumIndividualPlayerLatencyMilliseconds": 100},
        {"maximumIndividualPlayerLatencyMilliseconds": 200},
        {"policyDurationSeconds": 5}, 7]},
      {"name": "a", "timeoutInSeconds": 10},
      {"name": "bad name!", "timeoutInSeconds": 10},
      "x"]})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
  const std::string& m = parsed.status().message();
  for (const char* expected : {
           "queues[0] (a).timeoutInSeconds: expected an integer from 1 to 43200",
           "queues[0] (a).locations: duplicate eu-west-1",
           "queues[0] (a).locations: expected location names",
           "queues[0] (a).priority: unknown key",
           "queues[1] (b).timeoutInSeconds: required",
           "queues[1] (b).playerLatencyPolicies: at most one policy may omit",
           "queues[1] (b).playerLatencyPolicies[2].maximumIndividualPlayerLatencyMilliseconds: "
           "required",
           "queues[1] (b).playerLatencyPolicies[3]: expected an object",
           "queues[2] (a).name: duplicate",
           "queues[3].name: expected 1 to 128 characters",
           "queues[4]: expected an object",
       }) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
  }
}

TEST(Queues, TheOpenEndedPolicyMustBeTheLoosest) {
  auto parsed = parse_queues(R"({"queues": [{"name": "q", "timeoutInSeconds": 10,
      "playerLatencyPolicies": [
        {"maximumIndividualPlayerLatencyMilliseconds": 100},
        {"maximumIndividualPlayerLatencyMilliseconds": 200, "policyDurationSeconds": 5}]}]})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("must have the highest limit"), std::string::npos);
}

TEST(Queues, RejectsDocumentsOfTheWrongShape) {
  EXPECT_FALSE(parse_queues("").ok());
  EXPECT_FALSE(parse_queues("[]").ok());
  EXPECT_FALSE(parse_queues(R"({"queues": {}})").ok());
  EXPECT_FALSE(parse_queues(R"({"queues": [], "extra": 1})").ok());
  EXPECT_FALSE(parse_queues(R"({"queues": [{"name": "q", "timeoutInSeconds": 1e3}]})").ok());
  EXPECT_FALSE(
      parse_queues(R"({"queues": [{"name": "q", "timeoutInSeconds": 18446744073709551615}]})")
          .ok());
  EXPECT_TRUE(parse_queues(R"({"queues": []})").ok());
}

TEST(Queues, TheEmbeddedDefaultIsTheSeedGamesQueue) {
  QueueConfig q = default_queue();
  EXPECT_EQ(q.name, "default");
  EXPECT_EQ(q.timeout_seconds, 60);
  EXPECT_TRUE(q.locations.empty());
  EXPECT_EQ(q.latency_policies, (std::vector<LatencyPolicy>{{100, 30}, {150, 60}, {200, 0}}));
}

TEST(Queues, AFileMayReplaceTheDefaultQueue) {
  auto added = with_default_queue({QueueConfig{"eu", 10, {"eu-west-1"}, {}}});
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[1].name, "default");
  EXPECT_EQ(added[1].timeout_seconds, 60);

  auto kept = with_default_queue({QueueConfig{"default", 5, {"eu-west-1"}, {}}});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].timeout_seconds, 5);
}

TEST(LatencyPolicies, RunOneAfterTheOther) {
  QueueConfig q = default_queue();  // 100 ms for 30 s, 150 ms for 60 s, then 200 ms
  EXPECT_EQ(active_latency_limit(q, 0), 100);
  EXPECT_EQ(active_latency_limit(q, 29.9), 100);
  EXPECT_EQ(active_latency_limit(q, 30), 150);
  EXPECT_EQ(active_latency_limit(q, 89.9), 150);
  EXPECT_EQ(active_latency_limit(q, 90), 200);
  EXPECT_EQ(active_latency_limit(q, 1e6), 200);
}

TEST(LatencyPolicies, NoLimitWithoutPoliciesOrAfterTheLastRunsOut) {
  QueueConfig none{"q", 60, {}, {}};
  EXPECT_EQ(active_latency_limit(none, 0), std::nullopt);
  QueueConfig timed{"q", 60, {}, {{50, 10}, {90, 10}}};
  EXPECT_EQ(active_latency_limit(timed, 5), 50);
  EXPECT_EQ(active_latency_limit(timed, 15), 90);
  EXPECT_EQ(active_latency_limit(timed, 20), std::nullopt);
}

TEST(LatencyPolicies, TheLoosestLimitCountsOnlyPoliciesReachedBeforeTheTimeOut) {
  QueueConfig q = default_queue();  // 60 s time-out: 100 ms, then 150 ms from 30 s
  EXPECT_EQ(loosest_latency_limit(q), 150);
  q.timeout_seconds = 91;
  EXPECT_EQ(loosest_latency_limit(q), 200);
  q.timeout_seconds = 30;
  EXPECT_EQ(loosest_latency_limit(q), 100);
  EXPECT_EQ(loosest_latency_limit(QueueConfig{"q", 60, {}, {}}), std::nullopt);
  EXPECT_EQ(loosest_latency_limit(QueueConfig{"q", 60, {}, {{50, 10}}}), std::nullopt);
  EXPECT_EQ(loosest_latency_limit(QueueConfig{"q", 10, {}, {{50, 10}}}), 50);
}

TEST(LatencyPolicies, TellWhenTheLimitNextChanges) {
  QueueConfig q = default_queue();
  EXPECT_EQ(next_latency_limit_change(q, 0), 30.0);
  EXPECT_EQ(next_latency_limit_change(q, 30), std::nullopt);  // 90 s is after the time-out
  q.timeout_seconds = 120;
  EXPECT_EQ(next_latency_limit_change(q, 30), 90.0);
  EXPECT_EQ(next_latency_limit_change(q, 95), std::nullopt);
  EXPECT_EQ(next_latency_limit_change(QueueConfig{"q", 60, {}, {}}, 0), std::nullopt);
}

TEST(QueuesFile, TheExampleIsValid) {
  auto parsed = load_queues_file("config/fleet/queues.example.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_GE(parsed->size(), 2u);
}

TEST(QueuesFile, NamesTheFileInErrors) {
  auto path = std::filesystem::temp_directory_path() / "sapi_queue_test_bad.json";
  std::ofstream(path) << R"({"queues": [{"name": "q"}]})";
  auto parsed = load_queues_file(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find(path.string() + ": queues[0] (q).timeoutInSeconds"),
            std::string::npos)
      << parsed.status().message();
  EXPECT_FALSE(load_queues_file("/nonexistent/queues.json").ok());
}

}  // namespace
}  // namespace sapi::fleet
