#pragma once

// Webhook delivery: JSON bodies POSTed to HTTP(S) targets from a bounded queue by delivery
// threads of their own, so that whoever enqueues (a matchmaking thread) never waits on the
// network. Each attempt is signed (notify/signature.h). Network errors, time-outs, 5xx and
// 429 are retried with exponential back-off and jitter up to a number of attempts; then, or
// on any other answer than 2xx, the delivery is dropped and counted.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace sapi::obs {
class Logger;
class Registry;
}  // namespace sapi::obs

namespace sapi::notify {

struct WebhookOptions {
  // The HMAC key of X-Session-Api-Signature; empty: requests are sent unsigned.
  std::string secret;
  std::size_t queue_capacity = 10000;  // deliveries waiting (retries included); above: dropped
  int threads = 2;                     // concurrent deliveries
  int max_attempts = 5;                // first try included
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds request_timeout{5000};  // one attempt, connecting included
};

// Counts of what happened to deliveries since start.
struct WebhookStats {
  uint64_t delivered = 0;  // a 2xx answer
  uint64_t retried = 0;    // attempts scheduled again after a retryable failure
  uint64_t dropped = 0;    // given up: attempts exhausted, a non-retryable answer, queue full,
                           // or still waiting at the end of shutdown
};

class WebhookSender {
 public:
  // Starts the delivery threads. `metrics` and `log` may be null; when set they must outlive
  // the sender. Metrics: webhook_deliveries_total{outcome="delivered|retried|dropped"}.
  static std::unique_ptr<WebhookSender> start(WebhookOptions options, obs::Registry* metrics,
                                              obs::Logger* log);
  virtual ~WebhookSender() = default;

  // Queues a POST of `body` (Content-Type: application/json) to `url`. `event_id` is sent as
  // X-Session-Api-Event-Id so receivers can drop duplicates (a retry after a lost answer).
  // Never blocks on the network. Returns false (and counts a drop) when the queue is full or
  // the sender is stopping.
  virtual bool enqueue(std::string url, std::string body, std::string event_id) = 0;

  // Stops taking deliveries, keeps delivering (retries included) until nothing waits or
  // `deadline` passes, then aborts what is in flight, drops what is left and joins the
  // threads. Idempotent; the destructor calls it with a zero deadline if nobody did.
  virtual void stop(std::chrono::milliseconds deadline) = 0;

  virtual WebhookStats stats() const = 0;
};

}  // namespace sapi::notify
