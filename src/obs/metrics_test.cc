#include "obs/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace sapi::obs {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsTest, CountersSumAcrossThreads) {
  Registry registry;
  auto& family = registry.counter("requests_total", "Requests.", {"method"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto& c = family.with({"GET"});
      for (int i = 0; i < 10000; ++i) c.inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family.with({"GET"}).value(), 40000u);
  EXPECT_TRUE(contains(registry.render(), "requests_total{method=\"GET\"} 40000\n"));
}

TEST(MetricsTest, RenderingFollowsTheTextFormat) {
  Registry registry;
  registry.counter("hits_total", "Hits.\nSecond line", {"route"}).with({"/a\"b\\c"}).inc(3);
  registry.gauge("in_flight", "In flight.").with({}).set(2);
  auto& h = registry.histogram("latency_seconds", "Latency.", {"route"}, {0.1, 1});
  h.with({"/x"}).observe(0.05);
  h.with({"/x"}).observe(0.5);
  h.with({"/x"}).observe(3);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# HELP hits_total Hits.\\nSecond line\n# TYPE hits_total counter\n"))
      << text;
  EXPECT_TRUE(contains(text, "hits_total{route=\"/a\\\"b\\\\c\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "# TYPE in_flight gauge\nin_flight 2\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"1\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_sum{route=\"/x\"} 3.55\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_count{route=\"/x\"} 3\n")) << text;
}

TEST(MetricsTest, ABucketBoundIsInclusive) {
  Registry registry;
  auto& h = registry.histogram("h", "H.", {}, {1, 2}).with({});
  h.observe(1);
  auto s = h.snapshot();
  EXPECT_EQ(s.cumulative[0], 1u);
}

TEST(MetricsTest, TheSameLabelsGiveTheSameSeries) {
  Registry registry;
  auto& family = registry.counter("x_total", "X.", {"a", "b"});
  EXPECT_EQ(&family.with({"1", "2"}), &family.with(std::vector<std::string>{"1", "2"}));
  EXPECT_NE(&family.with({"1", "2"}), &family.with({"12", ""}));
}

TEST(MetricsTest, ProcessMetricsComeFromProc) {
  Registry registry;
  registry.add_collector(process_collector());
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE process_cpu_seconds_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "process_resident_memory_bytes ")) << text;
  EXPECT_TRUE(contains(text, "process_open_fds ")) << text;
  EXPECT_FALSE(contains(text, "process_resident_memory_bytes 0\n")) << text;
}

TEST(MetricsDeathTest, RegisteringANameTwiceIsAProgrammingError) {
  Registry registry;
  registry.counter("dup_total", "D.");
  EXPECT_DEATH(registry.counter("dup_total", "D."), "registered twice");
  EXPECT_DEATH(registry.gauge("bad name", "B."), "invalid");
}

}  // namespace
}  // namespace sapi::obs
