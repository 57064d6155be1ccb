#include "notify/webhook_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "notify/signature.h"
#include "obs/log.h"
#include "obs/metrics.h"

namespace sapi::notify {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Delivery {
  std::string url;
  std::string body;
  std::string event_id;
  int attempt = 0;  // attempts made so far
};

enum class Outcome { kDelivered, kRetry, kReject };

struct AttemptResult {
  Outcome outcome = Outcome::kRetry;
  std::string detail;  // "HTTP 503", or curl's description of a network error
};

// Discards the receiver's answer body: only its status matters.
size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// Lets a transfer in flight notice shutdown's deadline.
int abort_check(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(flag)->load() ? 1 : 0;
}

// The URL without its query and fragment, for logs (targets may carry tokens there).
std::string loggable(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

class CurlHeaders {
 public:
  ~CurlHeaders() { curl_slist_free_all(list_); }
  void add(const std::string& line) { list_ = curl_slist_append(list_, line.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

class SenderImpl : public WebhookSender {
 public:
  SenderImpl(WebhookOptions options, obs::Registry* metrics, obs::Logger* log);
  ~SenderImpl() override { stop(std::chrono::milliseconds(0)); }

  void run_threads();
  bool enqueue(std::string url, std::string body, std::string event_id) override;
  void stop(std::chrono::milliseconds deadline) override;
  WebhookStats stats() const override;

 private:
  void work();
  AttemptResult attempt(CURL* curl, const Delivery& delivery);
  void settle(Delivery delivery, const AttemptResult& result);
  std::chrono::milliseconds backoff(int attempts);
  void count(uint64_t WebhookStats::*field, obs::Counter* counter);

  const WebhookOptions options_;
  obs::Logger* log_;
  obs::Counter* delivered_counter_ = nullptr;
  obs::Counter* retried_counter_ = nullptr;
  obs::Counter* dropped_counter_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<SteadyClock::time_point, Delivery> due_;  // by when to (re)try
  size_t in_flight_ = 0;
  bool stopping_ = false;
  bool abandon_ = false;  // shutdown's deadline passed: drop instead of trying
  std::atomic<bool> abort_transfers_{false};
  WebhookStats stats_;
  std::mt19937_64 random_{std::random_device{}()};
  std::vector<std::thread> threads_;
  std::mutex stop_mu_;
};

SenderImpl::SenderImpl(WebhookOptions options, obs::Registry* metrics, obs::Logger* log)
    : options_(std::move(options)), log_(log) {
  if (metrics) {
    auto& family = metrics->counter("webhook_deliveries_total",
                                    "Webhook deliveries by outcome: delivered (2xx), retried "
                                    "(an attempt failed and was scheduled again), dropped.",
                                    {"outcome"});
    delivered_counter_ = &family.with({"delivered"});
    retried_counter_ = &family.with({"retried"});
    dropped_counter_ = &family.with({"dropped"});
  }
}

void SenderImpl::run_threads() {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { work(); });
}

void SenderImpl::count(uint64_t WebhookStats::*field, obs::Counter* counter) {
  ++(stats_.*field);
  if (counter) counter->inc();
}

bool SenderImpl::enqueue(std::string url, std::string body, std::string event_id) {
  std::lock_guard lock(mu_);
  if (stopping_ || due_.size() + in_flight_ >= options_.queue_capacity) {
    count(&WebhookStats::dropped, dropped_counter_);
    if (log_ && !stopping_) {
      log_->warn("webhook queue full, event dropped", {{"target", loggable(url)}});
    }
    return false;
  }
  due_.emplace(SteadyClock::now(), Delivery{std::move(url), std::move(body), std::move(event_id)});
  cv_.notify_all();
  return true;
}

void SenderImpl::work() {
  CURL* curl = curl_easy_init();
  std::unique_lock lock(mu_);
  for (;;) {
    if (abandon_ || (stopping_ && due_.empty())) break;
    if (due_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (first->first > SteadyClock::now()) {
      // A copy: another thread may take that delivery (and free its node) while this waits.
      SteadyClock::time_point when = first->first;
      cv_.wait_until(lock, when);
      continue;
    }
    Delivery delivery = std::move(first->second);
    due_.erase(first);
    ++in_flight_;
    lock.unlock();
    AttemptResult result = curl ? attempt(curl, delivery)
                                : AttemptResult{Outcome::kRetry, "cannot create a curl handle"};
    ++delivery.attempt;
    lock.lock();
    --in_flight_;
    settle(std::move(delivery), result);
  }
  lock.unlock();
  if (curl) curl_easy_cleanup(curl);
}

// With mu_ held: counts the attempt's outcome and schedules a retry when one is due.
void SenderImpl::settle(Delivery delivery, const AttemptResult& result) {
  if (result.outcome == Outcome::kDelivered) {
    count(&WebhookStats::delivered, delivered_counter_);
    cv_.notify_all();  // stop() may be waiting for the queue to empty
    return;
  }
  bool retry =
      result.outcome == Outcome::kRetry && delivery.attempt < options_.max_attempts && !abandon_;
  if (retry) {
    count(&WebhookStats::retried, retried_counter_);
    auto when = SteadyClock::now() + backoff(delivery.attempt);
    due_.emplace(when, std::move(delivery));
    cv_.notify_all();
    return;
  }
  count(&WebhookStats::dropped, dropped_counter_);
  if (log_) {
    log_->warn("webhook delivery dropped", {{"target", loggable(delivery.url)},
                                            {"event_id", delivery.event_id},
                                            {"attempts", static_cast<int64_t>(delivery.attempt)},
                                            {"last_error", result.detail}});
  }
  cv_.notify_all();  // stop() may be waiting for the queue to empty
}

// Exponential with "equal jitter": half the delay is fixed, half random, so retries of many
// deliveries that failed together spread out but still back off.
std::chrono::milliseconds SenderImpl::backoff(int attempts) {
  int64_t delay = options_.initial_backoff.count();
  for (int i = 1; i < attempts && delay < options_.max_backoff.count(); ++i) delay *= 2;
  delay = std::min<int64_t>(delay, options_.max_backoff.count());
  int64_t half = delay / 2;
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(half, 0));
  return std::chrono::milliseconds(delay - half + jitter(random_));
}

AttemptResult SenderImpl::attempt(CURL* curl, const Delivery& delivery) {
  int64_t now = epoch_seconds(Clock::system().now());
  CurlHeaders headers;
  headers.add("Content-Type: application/json");
  headers.add("Expect:");  // no 100-continue round trip
  if (!delivery.event_id.empty()) headers.add("X-Session-Api-Event-Id: " + delivery.event_id);
  headers.add("X-Session-Api-Delivery-Attempt: " + std::to_string(delivery.attempt + 1));
  if (!options_.secret.empty()) {
    headers.add(std::string(kTimestampHeader) + ": " + std::to_string(now));
    headers.add(std::string(kSignatureHeader) + ": " +
                webhook_signature(options_.secret, now, delivery.body));
  }
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, delivery.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, delivery.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(delivery.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "session-api-webhooks");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_check);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &abort_transfers_);
  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) return {Outcome::kRetry, curl_easy_strerror(code)};
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  std::string detail = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return {Outcome::kDelivered, detail};
  if (status >= 500 || status == 429) return {Outcome::kRetry, detail};
  return {Outcome::kReject, detail};
}

void SenderImpl::stop(std::chrono::milliseconds deadline) {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::unique_lock lock(mu_);
    if (threads_.empty()) return;
    stopping_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, deadline, [this] { return due_.empty() && in_flight_ == 0; });
    abandon_ = true;
    abort_transfers_ = true;
    for (size_t i = 0; i < due_.size(); ++i) count(&WebhookStats::dropped, dropped_counter_);
    if (log_ && !due_.empty()) {
      log_->warn("webhook deliveries dropped at shutdown",
                 {{"count", static_cast<uint64_t>(due_.size())}});
    }
    due_.clear();
    cv_.notify_all();
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
}

WebhookStats SenderImpl::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace

std::unique_ptr<WebhookSender> WebhookSender::start(WebhookOptions options, obs::Registry* metrics,
                                                    obs::Logger* log) {
  auto sender = std::make_unique<SenderImpl>(std::move(options), metrics, log);
  sender->run_threads();
  return sender;
}

}  // namespace sapi::notify
