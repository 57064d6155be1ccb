#pragma once

// Matchmaking events in FlexMatch's envelope and types, published in-process. The SSE stream
// and webhook delivery subscribe here.

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sapi::matchmaking {

struct MatchmakingEvent {
  // detail.type: MatchmakingSearching, PotentialMatchCreated, AcceptMatch,
  // AcceptMatchCompleted, MatchmakingSucceeded, MatchmakingTimedOut, MatchmakingCancelled,
  // MatchmakingFailed.
  std::string type;
  std::string configuration;
  // Every player of every ticket the event concerns, so subscribers can filter per player.
  std::vector<std::string> player_ids;
  // {"version":"0","id","detail-type":"GameLift Matchmaking Event","source":"aws.gamelift",
  //  "account","time","region","resources":[arn],"detail":{"type",...,"tickets":[...]}}
  boost::json::object envelope;

  // The envelope as one line of JSON, serialised on first use and then shared by every
  // caller (any thread): an event nobody sends is never serialised. The envelope must not
  // change once this has been called.
  const std::string& json() const;

 private:
  // Copies and moves start with nothing cached: the copy's envelope may change before use.
  struct JsonCache {
    JsonCache() = default;
    JsonCache(const JsonCache&) {}
    JsonCache(JsonCache&&) noexcept {}
    JsonCache& operator=(const JsonCache&) = delete;
    std::once_flag once;
    std::string text;
  };
  mutable JsonCache json_cache_;
};

// Published events are immutable and shared: subscribers keep the pointer, never a copy.
using EventPtr = std::shared_ptr<const MatchmakingEvent>;

// Delivers each published event to every subscriber, synchronously on the publishing thread
// (a matchmaking thread): subscribers must be quick and must not call back into the service.
class EventBus {
 public:
  using Subscriber = std::function<void(const EventPtr&)>;
  // For subscribers that only look at the event while it is delivered.
  using RefSubscriber = std::function<void(const MatchmakingEvent&)>;

  // Returns an id for unsubscribe().
  uint64_t subscribe(Subscriber subscriber);
  uint64_t subscribe(RefSubscriber subscriber);
  void unsubscribe(uint64_t id);

  // False when publish() would deliver to nobody, so publishers may skip building events.
  bool has_subscribers() const;
  void publish(EventPtr event);
  void publish(MatchmakingEvent event);

 private:
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace sapi::matchmaking
