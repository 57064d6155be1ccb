#pragma once

// GET /matchmaking/events: the caller's own tickets' matchmaking events as server-sent events
// (docs/events.md). Each event is
//
//   id: <run>-<sequence>
//   event: <detail type, e.g. MatchmakingSucceeded>
//   data: <the FlexMatch envelope as one line of JSON>
//
// with a comment line (": heartbeat") every heartbeat interval so that proxies and clients
// see a live connection. A client that reconnects with `Last-Event-ID` gets the events it
// missed from a bounded in-memory ring of recent events, when they are still there. The
// stream ends when the caller's token expires (reconnect with a fresh one); a player may hold
// a few streams at once, one more is 429 TOO_MANY_STREAMS.

#include <chrono>
#include <cstddef>
#include <memory>

#include "api/player_auth.h"
#include "base/clock.h"
#include "http/router.h"
#include "matchmaking/events.h"
#include "obs/metrics.h"

namespace sapi::api {

struct MatchmakingEventsOptions {
  std::chrono::milliseconds heartbeat{15000};
  std::size_t max_streams_per_player = 3;
  std::size_t replay_capacity = 1024;  // recent events kept for Last-Event-ID
  // Unsent bytes a slow client may leave behind before its stream is dropped.
  std::size_t max_unsent_bytes = 256 * 1024;
  // When set, kept equal to the number of open streams; must outlive the streams object.
  obs::Gauge* open_streams_gauge = nullptr;
};

// The open event streams and the recent events. Subscribes to the bus on construction; the
// subscriber only queues (the publishing matchmaking thread never waits on a client), and a
// thread of its own writes events, heartbeats and closes expired streams.
class MatchmakingEventStreams {
 public:
  // `bus` and `clock` must outlive this object. `clock` tells when tokens expire.
  MatchmakingEventStreams(matchmaking::EventBus& bus, const Clock& clock,
                          MatchmakingEventsOptions options);
  // Unsubscribes, ends every open stream and joins the thread.
  ~MatchmakingEventStreams();
  MatchmakingEventStreams(const MatchmakingEventStreams&) = delete;
  MatchmakingEventStreams& operator=(const MatchmakingEventStreams&) = delete;

  // Mounts GET /matchmaking/events behind `auth`, which must outlive the router.
  void add_routes(http::Router& router, const PlayerAuth& auth);

  // Streams open now, over all players.
  std::size_t open_streams() const;

  struct State;

 private:
  matchmaking::EventBus& bus_;
  uint64_t subscription_ = 0;
  std::shared_ptr<State> state_;
};

}  // namespace sapi::api
