#include "app/observers.h"

#include <algorithm>
#include <ctime>

namespace sapi::app {
namespace {

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Whole microseconds, so that the line reads 0.083 rather than 0.08321300000000001.
double latency_ms(std::chrono::nanoseconds d) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) /
         1000.0;
}

// API Gateway's $context.requestTime: "08/Apr/2026:12:00:00 +0000".
// It changes once a second, so each thread keeps the last one instead of formatting per request.
std::string_view request_time(std::chrono::system_clock::time_point t, char (&buf)[32]) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  thread_local std::time_t cached_time = -1;
  thread_local char cached[32];
  thread_local size_t cached_len = 0;
  if (tt != cached_time) {
    std::tm tm{};
    gmtime_r(&tt, &tm);
    cached_len = std::strftime(cached, sizeof cached, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    cached_time = tt;
  }
  std::copy(cached, cached + cached_len, buf);
  return {buf, cached_len};
}

// Status label values without formatting on every request.
std::string_view status_label(int status, char (&buf)[8]) {
  if (status < 100 || status > 999) return "other";
  buf[0] = static_cast<char>('0' + status / 100);
  buf[1] = static_cast<char>('0' + status / 10 % 10);
  buf[2] = static_cast<char>('0' + status % 10);
  return {buf, 3};
}

const std::vector<double>& batch_buckets() {
  static const std::vector<double> kBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};
  return kBuckets;
}

}  // namespace

RequestObserver::RequestObserver(obs::Logger& log, obs::Registry& registry)
    : log_(log),
      requests_(registry.counter("sapi_http_requests_total", "HTTP requests answered.",
                                 {"route", "method", "status"})),
      latency_(registry.histogram("sapi_http_request_duration_seconds",
                                  "Time from request line to response, by route.", {"route"})),
      in_flight_(
          registry.gauge("sapi_http_requests_in_flight", "Requests being handled.").with({})),
      open_connections_(
          registry.gauge("sapi_http_open_connections", "Open client connections.").with({})) {}

void RequestObserver::on_access(const http::AccessRecord& r) {
  // Unmatched paths share one label so that scanners cannot grow the series without bound;
  // methods outside the known set likewise.
  std::string_view route = r.route.empty() ? std::string_view("unmatched") : r.route;
  http::Method method = http::parse_method(r.method);
  char status_buf[8];
  requests_.with({route, http::method_name(method), status_label(r.status, status_buf)}).inc();
  latency_.with({route}).observe(seconds(r.latency));

  if (!log_.enabled(obs::Level::kInfo)) return;
  char time_buf[32];
  log_.info("access", {{"requestId", r.request_id},
                       {"ip", r.remote_ip},
                       {"caller", r.caller},
                       {"user", r.user},
                       {"requestTime", request_time(r.request_time, time_buf)},
                       {"httpMethod", r.method},
                       {"resourcePath", r.route.empty() ? r.resource_path : r.route},
                       {"path", r.resource_path},
                       {"status", r.status},
                       {"protocol", r.protocol},
                       {"responseLength", r.response_length},
                       {"latencyMs", latency_ms(r.latency)}});
}

StoreMetrics::StoreMetrics(obs::Registry& registry)
    : batch_size_(registry.histogram("sapi_store_batch_writes",
                                     "Writes committed together in one transaction.", {"outcome"},
                                     batch_buckets())),
      commit_latency_(registry.histogram(
          "sapi_store_batch_commit_seconds",
          "Time from BEGIN to the end of COMMIT (with group commit, the fsync is apart).",
          {"outcome"})),
      sync_latency_(registry.histogram(
          "sapi_store_sync_seconds",
          "fsyncs that make the commits so far durable before their writes are acknowledged.",
          {"outcome"})),
      operation_latency_(registry.histogram("sapi_store_operation_duration_seconds",
                                            "Store operations, submission to answer.",
                                            {"operation", "outcome"})) {}

void StoreMetrics::on_batch(size_t writes, std::chrono::nanoseconds commit_latency, bool ok) {
  std::string_view outcome = ok ? "ok" : "error";
  batch_size_.with({outcome}).observe(static_cast<double>(writes));
  commit_latency_.with({outcome}).observe(seconds(commit_latency));
}

void StoreMetrics::on_sync(std::chrono::nanoseconds latency, bool ok) {
  sync_latency_.with({ok ? "ok" : "error"}).observe(seconds(latency));
}

void StoreMetrics::on_operation(std::string_view operation, std::chrono::nanoseconds latency,
                                bool ok) {
  operation_latency_.with({operation, ok ? "ok" : "error"}).observe(seconds(latency));
}

}  // namespace sapi::app
