#include "api/health.h"

#include <gtest/gtest.h>

#include "api/metrics_route.h"

namespace sapi::api {
namespace {

http::Response call(const http::Router& router, http::Method method, std::string path,
                    std::vector<http::Header> headers = {}) {
  http::Request request;
  request.method = method;
  request.headers = std::move(headers);
  http::Response out;
  router.dispatch(request, path,
                  http::Responder::from_function([&](http::Response r) { out = std::move(r); }));
  return out;
}

TEST(HealthTest, LiveIsAlwaysOkAndReadyFollowsTheStore) {
  http::Router router;
  Status store_status = unavailable("database is locked");
  add_health_routes(router, [&] { return store_status; });
  EXPECT_EQ(call(router, http::Method::kGet, "/health/live").body, R"({"status":"ok"})");
  http::Response not_ready = call(router, http::Method::kGet, "/health/ready");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, R"({"error":"NOT_READY","message":"database is locked"})");
  store_status = Status::ok_status();
  http::Response ready = call(router, http::Method::kGet, "/health/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ok"})");
}

TEST(MetricsRouteTest, RendersTheRegistryAsPrometheusText) {
  obs::Registry registry;
  registry.counter("things_total", "Things.").with({}).inc(5);
  http::Router router;
  add_metrics_route(router, registry, "");
  http::Response r = call(router, http::Method::kGet, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("things_total 5\n"), std::string::npos) << r.body;
}

TEST(MetricsRouteTest, ATokenWhenConfiguredIsRequired) {
  obs::Registry registry;
  http::Router router;
  add_metrics_route(router, registry, "s3cret");
  EXPECT_EQ(call(router, http::Method::kGet, "/metrics").status, 401);
  EXPECT_EQ(call(router, http::Method::kGet, "/metrics", {{"authorization", "Bearer nope"}}).status,
            401);
  EXPECT_EQ(call(router, http::Method::kGet, "/metrics", {{"authorization", "s3cret"}}).status,
            401);
  EXPECT_EQ(
      call(router, http::Method::kGet, "/metrics", {{"authorization", "Bearer s3cret"}}).status,
      200);
}

}  // namespace
}  // namespace sapi::api
