#pragma once

// Matchmaking events in FlexMatch's envelope and types, published in-process. The SSE stream
// and webhook delivery subscribe here.
//
// An event is built only when a subscriber wants it (EventInterest), kept as a compact record
// (its type, time, tickets and the few detail fields its type has) and rendered as
// FlexMatch's JSON envelope only when something sends it: many events go only into the SSE
// replay ring and are never rendered.

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "flexmatch/report.h"

namespace sapi::matchmaking {

// What every event of one configuration shares; built once per configuration.
struct EventSource {
  std::string configuration;      // its name
  std::string arn;                // resources[0]
  std::string account;            // account
  std::string region;             // region
  std::string custom_event_data;  // detail.customEventData, omitted when empty
};

// A player of detail.tickets[].players; empty fields are omitted.
struct EventPlayer {
  std::string player_id;
  std::string team;
  std::string player_session_id;
  std::optional<bool> accepted;
};

// One of detail.tickets.
struct EventTicket {
  std::string ticket_id;
  Clock::TimePoint start_time{};
  std::vector<EventPlayer> players;
};

// The game session of a placed match (MatchmakingSucceeded's gameSessionInfo).
struct EventGameSession {
  std::string arn;
  std::string ip_address;
  std::string dns_name;  // omitted when empty
  int port = 0;
};

// The detail fields besides `type` and `tickets`; each is written only where it is set.
struct EventDetail {
  std::string match_id;                          // matchId
  std::optional<int64_t> estimated_wait_millis;  // estimatedWaitMillis (MatchmakingSearching)
  std::optional<std::string> reason;             // reason (Failed, Cancelled, TimedOut)
  std::optional<std::string> message;            // message
  std::string_view acceptance;                   // acceptance (AcceptMatchCompleted): static text
  // PotentialMatchCreated: acceptanceRequired, acceptanceTimeout (when required) and
  // ruleEvaluationMetrics.
  bool potential_match = false;
  bool acceptance_required = false;
  int acceptance_timeout_seconds = 0;
  std::vector<flexmatch::RuleCount> rule_metrics;
  // MatchmakingSucceeded: gameSessionInfo with every player of the tickets (playerId,
  // playerSessionId, team) and, for a placed match, the game session.
  bool game_session_info = false;
  std::optional<EventGameSession> game_session;
};

struct MatchmakingEvent {
  // detail.type: MatchmakingSearching, PotentialMatchCreated, AcceptMatch,
  // AcceptMatchCompleted, MatchmakingSucceeded, MatchmakingTimedOut, MatchmakingCancelled,
  // MatchmakingFailed. Refers to static text (see event_type()).
  std::string_view type;
  std::shared_ptr<const EventSource> source;
  Clock::TimePoint time{};
  std::vector<EventTicket> tickets;
  EventDetail detail;

  // The configuration the event belongs to (empty without a source).
  const std::string& configuration() const;
  // True when a player of one of the tickets is `player_id`: the events a player may see.
  bool concerns(std::string_view player_id) const;

  // The envelope's id, a UUID made on first use.
  const std::string& id() const;
  // {"version":"0","id","detail-type":"GameLift Matchmaking Event","source":"aws.gamelift",
  //  "account","time","region","resources":[arn],"detail":{"type","tickets",...}} as one line
  // of JSON, rendered on first use and then shared by every caller (any thread). The event
  // must not change once this or id() has been called.
  const std::string& json() const;
  // The envelope as a JSON object (parsed from json()), for readers that inspect it.
  boost::json::object envelope() const;

 private:
  // Copies and moves start with nothing rendered: the copy may change before use. An event
  // cannot be assigned to, since what it rendered could not be forgotten.
  struct Rendered {
    Rendered() = default;
    Rendered(const Rendered&) {}
    Rendered(Rendered&&) noexcept {}
    Rendered& operator=(const Rendered&) = delete;
    std::once_flag id_once, json_once;
    std::string id, json;
  };
  mutable Rendered rendered_;
};

// The static text of an event type name, so that MatchmakingEvent::type never dangles; empty
// for a name that is not one of the eight.
std::string_view event_type(std::string_view name);

// Published events are immutable and shared: subscribers keep the pointer, never a copy.
using EventPtr = std::shared_ptr<const MatchmakingEvent>;

// Which events a subscriber wants, told before an event is built, so that a publisher builds
// only events somebody wants (EventBus::wants). An event is wanted when it belongs to a
// configuration `configuration` accepts or concerns a player `player` accepts; an empty test
// accepts nothing. Both run on the publishing thread, for every event: they must be quick.
struct EventInterest {
  std::function<bool(std::string_view configuration)> configuration;
  std::function<bool(std::string_view player_id)> player;

  bool wants(std::string_view configuration_name,
             std::span<const std::string_view> player_ids) const;
  bool wants(const MatchmakingEvent& event) const;
};

// Delivers each published event to every subscriber that wants it, synchronously on the
// publishing thread (a matchmaking thread): subscribers must be quick and must not call back
// into the service.
class EventBus {
 public:
  using Subscriber = std::function<void(const EventPtr&)>;
  // For subscribers that only look at the event while it is delivered.
  using RefSubscriber = std::function<void(const MatchmakingEvent&)>;

  // Returns an id for unsubscribe(). Without an interest, the subscriber wants every event.
  uint64_t subscribe(Subscriber subscriber, std::optional<EventInterest> interest = {});
  uint64_t subscribe(RefSubscriber subscriber, std::optional<EventInterest> interest = {});
  void unsubscribe(uint64_t id);

  // False when no subscriber wants an event of `configuration` concerning `player_ids`, so
  // that the publisher can skip building it.
  bool wants(std::string_view configuration, std::span<const std::string_view> player_ids) const;
  void publish(EventPtr event);
  void publish(MatchmakingEvent event);

 private:
  struct Subscription {
    Subscriber deliver;
    std::optional<EventInterest> interest;
  };
  using Subscribers = std::map<uint64_t, Subscription>;
  std::shared_ptr<const Subscribers> snapshot() const;

  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  // Replaced, never changed, so that publish() needs the lock only to take it.
  std::shared_ptr<const Subscribers> subscribers_ = std::make_shared<const Subscribers>();
};

}  // namespace sapi::matchmaking
