#include "matchmaking/events.h"

#include <boost/json/serialize.hpp>

namespace sapi::matchmaking {

const std::string& MatchmakingEvent::json() const {
  std::call_once(json_cache_.once, [this] { json_cache_.text = boost::json::serialize(envelope); });
  return json_cache_.text;
}

uint64_t EventBus::subscribe(Subscriber subscriber) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  subscribers_[id] = std::make_shared<Subscriber>(std::move(subscriber));
  return id;
}

uint64_t EventBus::subscribe(RefSubscriber subscriber) {
  return subscribe(Subscriber([s = std::move(subscriber)](const EventPtr& e) { s(*e); }));
}

void EventBus::unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

bool EventBus::has_subscribers() const {
  std::lock_guard lock(mu_);
  return !subscribers_.empty();
}

void EventBus::publish(EventPtr event) {
  std::vector<std::shared_ptr<Subscriber>> targets;
  {
    std::lock_guard lock(mu_);
    targets.reserve(subscribers_.size());
    for (const auto& [id, s] : subscribers_) targets.push_back(s);
  }
  for (const auto& s : targets) (*s)(event);
}

void EventBus::publish(MatchmakingEvent event) {
  publish(std::make_shared<const MatchmakingEvent>(std::move(event)));
}

}  // namespace sapi::matchmaking
