#include "matchmaking/events.h"

namespace sapi::matchmaking {

uint64_t EventBus::subscribe(Subscriber subscriber) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  subscribers_[id] = std::make_shared<Subscriber>(std::move(subscriber));
  return id;
}

void EventBus::unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

void EventBus::publish(const MatchmakingEvent& event) {
  std::vector<std::shared_ptr<Subscriber>> targets;
  {
    std::lock_guard lock(mu_);
    targets.reserve(subscribers_.size());
    for (const auto& [id, s] : subscribers_) targets.push_back(s);
  }
  for (const auto& s : targets) (*s)(event);
}

}  // namespace sapi::matchmaking
