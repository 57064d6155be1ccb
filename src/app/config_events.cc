#include "app/config_events.h"

#include "api/matchmaking_events.h"
#include "app/routes.h"
#include "matchmaking/service.h"
#include "notify/webhook_sender.h"

namespace sapi::app {
namespace {

// Hands every event of a configuration with a notificationTarget to the webhook sender. The
// subscriber only queues the serialisation the event shares with the SSE stream: it runs on a
// matchmaking thread.
class WebhookRelay {
 public:
  WebhookRelay(matchmaking::MatchmakingService& service,
               std::shared_ptr<notify::WebhookSender> sender, std::chrono::milliseconds drain)
      : service_(service), sender_(std::move(sender)), drain_(drain) {
    matchmaking::EventInterest interest;
    interest.configuration = [&service](std::string_view name) {
      const matchmaking::Configuration* config = service.configuration(name);
      return config != nullptr && !config->notification_target.empty();
    };
    subscription_ = service_.events().subscribe(
        [&service, sender = sender_](const matchmaking::MatchmakingEvent& event) {
          const matchmaking::Configuration* config = service.configuration(event.configuration());
          if (config == nullptr || config->notification_target.empty()) return;
          sender->enqueue(config->notification_target, event.json(), event.id());
        },
        std::move(interest));
  }
  ~WebhookRelay() {
    service_.events().unsubscribe(subscription_);
    sender_->stop(drain_);
  }

 private:
  matchmaking::MatchmakingService& service_;
  std::shared_ptr<notify::WebhookSender> sender_;
  std::chrono::milliseconds drain_;
  uint64_t subscription_ = 0;
};

}  // namespace

void bind_events_config(ConfigBinder& b, Config& c) {
  auto& e = c.section<EventsConfig>();
  b.integer("sse_heartbeat_seconds", e.sse_heartbeat_seconds, 1, 3600);
  b.integer("sse_max_streams_per_player", e.sse_max_streams_per_player, 1, 100);
  b.integer("sse_replay_events", e.sse_replay_events, 0, 1000000);
  b.string("webhook_secret", e.webhook_secret, {}, Sensitivity::kSecret);
  b.integer("webhook_max_attempts", e.webhook_max_attempts, 1, 100);
  b.integer("webhook_initial_backoff_ms", e.webhook_initial_backoff_ms, 1, 3600000);
  b.integer("webhook_max_backoff_ms", e.webhook_max_backoff_ms, 1, 3600000);
  b.integer("webhook_timeout_ms", e.webhook_timeout_ms, 100, 600000);
  b.integer("webhook_queue_size", e.webhook_queue_size, 1, 10000000);
  b.integer("webhook_threads", e.webhook_threads, 1, 64);
}

Status mount_events(Services& services, http::Router& router, const api::PlayerAuth& auth,
                    matchmaking::MatchmakingService& service) {
  const auto& e = services.config.section<EventsConfig>();
  api::MatchmakingEventsOptions sse;
  sse.heartbeat = std::chrono::seconds(e.sse_heartbeat_seconds);
  sse.max_streams_per_player = static_cast<size_t>(e.sse_max_streams_per_player);
  sse.replay_capacity = static_cast<size_t>(e.sse_replay_events);
  sse.open_streams_gauge =
      &services.metrics.gauge("matchmaking_event_streams", "Open GET /matchmaking/events streams.")
           .with({});
  auto& streams = services.keep(
      std::make_unique<api::MatchmakingEventStreams>(service.events(), services.clock, sse));
  streams.add_routes(router, auth);

  notify::WebhookOptions webhooks;
  webhooks.secret = e.webhook_secret;
  webhooks.max_attempts = static_cast<int>(e.webhook_max_attempts);
  webhooks.initial_backoff = std::chrono::milliseconds(e.webhook_initial_backoff_ms);
  webhooks.max_backoff = std::chrono::milliseconds(e.webhook_max_backoff_ms);
  webhooks.request_timeout = std::chrono::milliseconds(e.webhook_timeout_ms);
  webhooks.queue_capacity = static_cast<size_t>(e.webhook_queue_size);
  webhooks.threads = static_cast<int>(e.webhook_threads);
  std::shared_ptr<notify::WebhookSender> sender =
      notify::WebhookSender::start(std::move(webhooks), &services.metrics, &services.log);
  services.keep(std::make_unique<WebhookRelay>(
      service, std::move(sender),
      std::chrono::milliseconds(services.config.server.shutdown_deadline_ms)));
  services.log.info("events", {{"sse_heartbeat_seconds", e.sse_heartbeat_seconds},
                               {"webhooks_signed", !e.webhook_secret.empty()}});
  return {};
}

}  // namespace sapi::app
