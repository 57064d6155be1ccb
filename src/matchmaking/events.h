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
};

// Delivers each published event to every subscriber, synchronously on the publishing thread
// (a matchmaking thread): subscribers must be quick and must not call back into the service.
class EventBus {
 public:
  using Subscriber = std::function<void(const MatchmakingEvent&)>;

  // Returns an id for unsubscribe().
  uint64_t subscribe(Subscriber subscriber);
  void unsubscribe(uint64_t id);
  void publish(const MatchmakingEvent& event);

 private:
  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace sapi::matchmaking
