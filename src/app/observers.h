#pragma once

// What the HTTP server and the store report, turned into access-log lines and metrics.

#include "http/server.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "store/observer.h"

namespace sapi::app {

// One access-log line per request, with the fields the seed's API Gateway wrote
// (requestId, ip, caller, user, requestTime, httpMethod, resourcePath, status, protocol,
// responseLength) plus path and latencyMs; and the HTTP metrics. The record it gets carries
// no headers and no body, so nothing secret can reach the log from here.
class RequestObserver final : public http::Observer {
 public:
  RequestObserver(obs::Logger& log, obs::Registry& registry);

  void on_access(const http::AccessRecord& record) override;
  void on_connection_opened() override { open_connections_.inc(); }
  void on_connection_closed() override { open_connections_.dec(); }
  void on_request_started() override { in_flight_.inc(); }
  void on_request_finished() override { in_flight_.dec(); }

 private:
  obs::Logger& log_;
  obs::CounterFamily& requests_;
  obs::HistogramFamily& latency_;
  obs::Gauge& in_flight_;
  obs::Gauge& open_connections_;
};

// Store operation latencies, batch sizes, commit and sync latencies.
class StoreMetrics final : public store::StoreObserver {
 public:
  explicit StoreMetrics(obs::Registry& registry);

  void on_batch(size_t writes, std::chrono::nanoseconds commit_latency, bool ok) override;
  void on_sync(std::chrono::nanoseconds latency, bool ok) override;
  void on_operation(std::string_view operation, std::chrono::nanoseconds latency, bool ok) override;

 private:
  obs::HistogramFamily& batch_size_;
  obs::HistogramFamily& commit_latency_;
  obs::HistogramFamily& sync_latency_;
  obs::HistogramFamily& operation_latency_;
};

}  // namespace sapi::app
