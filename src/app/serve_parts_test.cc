// The pieces serve() wires together: configuration to module options, and the observers that
// turn server and store events into access-log lines and metrics.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "app/module_options.h"
#include "app/observers.h"

namespace sapi::app {
namespace {

TEST(ModuleOptionsTest, ServerOptionsFollowTheConfiguration) {
  Config c;
  c.server.listen = "[::1]:9090";
  c.server.base_path = "/dev";
  c.server.max_body_bytes = 4096;
  c.server.shutdown_deadline_ms = 1500;
  c.cors.enabled = true;
  c.cors.allowed_origins = {"https://a.example"};
  auto o = http_options(c);
  ASSERT_TRUE(o.ok()) << o.status().to_string();
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->port, 9090);
  EXPECT_EQ(o->base_path, "/dev");
  EXPECT_EQ(o->max_body_bytes, 4096u);
  EXPECT_EQ(o->shutdown_deadline, std::chrono::milliseconds(1500));
  EXPECT_TRUE(o->cors.enabled);
  EXPECT_EQ(o->cors.allowed_origins, c.cors.allowed_origins);
  EXPECT_EQ(json_limits(c).max_bytes, 4096u);
}

TEST(ModuleOptionsTest, StoreAndLogOptionsFollowTheConfiguration) {
  Config c;
  c.data_dir = "/var/lib/session-api";
  c.player_sessions_table_name = "Sessions_dev";
  c.store.group_commit = false;
  c.log_level = "WARN";
  c.log_retention_days = 7;
  store::StoreOptions s = store_options(c);
  EXPECT_EQ(s.data_dir, "/var/lib/session-api");
  EXPECT_EQ(s.player_sessions_table, "Sessions_dev");
  EXPECT_FALSE(s.group_commit);
  obs::LogOptions l = log_options(c);
  EXPECT_EQ(l.level, obs::Level::kWarn);
  EXPECT_EQ(l.retention_days, 7);
}

TEST(RequestObserverTest, OneAccessLineWithApiGatewaysFieldsAndTheMetrics) {
  std::ostringstream out;
  auto log = obs::stream_logger(out);
  obs::Registry registry;
  RequestObserver observer(*log, registry);

  observer.on_connection_opened();
  observer.on_request_started();
  http::AccessRecord r;
  r.request_id = "req-1";
  r.remote_ip = "10.1.2.3";
  r.caller = "AKIAEXAMPLE";
  r.user = "player-1";
  r.request_time = std::chrono::system_clock::from_time_t(1775649600);  // 2026-04-08T12:00:00Z
  r.method = "GET";
  r.resource_path = "/matchmaking/status/t-1";
  r.route = "/matchmaking/status/{ticketId}";
  r.status = 200;
  r.protocol = "HTTP/1.1";
  r.response_length = 42;
  r.latency = std::chrono::microseconds(1500);
  observer.on_access(r);
  observer.on_request_finished();
  log->flush();

  auto line = boost::json::parse(out.str()).as_object();
  EXPECT_EQ(line.at("message").as_string(), "access");
  EXPECT_EQ(line.at("requestId").as_string(), "req-1");
  EXPECT_EQ(line.at("ip").as_string(), "10.1.2.3");
  EXPECT_EQ(line.at("caller").as_string(), "AKIAEXAMPLE");
  EXPECT_EQ(line.at("user").as_string(), "player-1");
  EXPECT_EQ(line.at("requestTime").as_string(), "08/Apr/2026:12:00:00 +0000");
  EXPECT_EQ(line.at("httpMethod").as_string(), "GET");
  EXPECT_EQ(line.at("resourcePath").as_string(), "/matchmaking/status/{ticketId}");
  EXPECT_EQ(line.at("path").as_string(), "/matchmaking/status/t-1");
  EXPECT_EQ(line.at("status").as_int64(), 200);
  EXPECT_EQ(line.at("protocol").as_string(), "HTTP/1.1");
  EXPECT_EQ(line.at("responseLength").to_number<int64_t>(), 42);
  EXPECT_DOUBLE_EQ(line.at("latencyMs").as_double(), 1.5);

  std::string text = registry.render();
  EXPECT_NE(text.find("sapi_http_requests_total{route=\"/matchmaking/status/{ticketId}\","
                      "method=\"GET\",status=\"200\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sapi_http_requests_in_flight 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sapi_http_open_connections 1\n"), std::string::npos) << text;
}

TEST(RequestObserverTest, UnmatchedPathsAndOddMethodsShareSeries) {
  std::ostringstream out;
  auto log = obs::stream_logger(out, obs::Level::kWarn);  // access lines are INFO: none
  obs::Registry registry;
  RequestObserver observer(*log, registry);
  http::AccessRecord r;
  r.status = 404;
  for (const char* path : {"/wp-admin", "/.env", "/x/y"}) {
    r.resource_path = path;
    r.method = "PROPFIND";
    observer.on_access(r);
  }
  std::string text = registry.render();
  EXPECT_NE(text.find("sapi_http_requests_total{route=\"unmatched\",method=\"OTHER\","
                      "status=\"404\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("wp-admin"), std::string::npos);
  EXPECT_EQ(out.str(), "");
}

TEST(StoreMetricsTest, BatchesAndOperationsBecomeHistograms) {
  obs::Registry registry;
  StoreMetrics metrics(registry);
  metrics.on_batch(12, std::chrono::milliseconds(3), true);
  metrics.on_operation("put_summary", std::chrono::milliseconds(4), true);
  metrics.on_operation("put_summary", std::chrono::milliseconds(40), false);
  std::string text = registry.render();
  EXPECT_NE(text.find("sapi_store_batch_writes_bucket{outcome=\"ok\",le=\"16\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sapi_store_batch_writes_sum{outcome=\"ok\"} 12\n"), std::string::npos);
  EXPECT_NE(text.find("sapi_store_operation_duration_seconds_count{operation=\"put_summary\","
                      "outcome=\"error\"} 1\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace sapi::app
