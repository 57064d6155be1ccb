#pragma once

// Placement of a match onto a game server, as the matchmaking lifecycle asks for it in
// WITH_QUEUE mode. The lifecycle only knows this interface; the fleet implements it. A
// placement ends in exactly one PlacementResult: fulfilled (the players have a game session
// and reserved player sessions), timed out (the queue's placement time-out passed; the tickets
// go back to searching until their request time-out) or failed (no server can ever take the
// match).
//
// PlacementRequest::queue was added after the first version of this interface so that the
// placer need not look configurations up: it names the configuration's game session queue.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "flexmatch/ticket.h"

namespace sapi::matchmaking {

struct PlacementPlayer {
  std::string player_id;
  std::string ticket_id;
  std::string team;  // the team's name in the rule set
  // Measured latencies by region (empty when the request carried none).
  std::vector<flexmatch::RegionLatency> latencies;
};

struct PlacementRequest {
  std::string placement_id;  // unique; the match id
  std::string configuration;
  std::string configuration_arn;
  std::string queue;  // the configuration's game session queue ("default" when unnamed)
  std::vector<PlacementPlayer> players;
  std::vector<std::pair<std::string, std::string>> game_properties;
  std::string game_session_data;
  // FlexMatch's matchmaker data JSON (matchId, matchmakingConfigurationArn, teams with
  // players and their attributes, autoBackfillMode, autoBackfillTicketId).
  std::string matchmaker_data;
  // For a backfill match: the ARN of the running game session the new players join. Empty
  // for a new game session.
  std::string game_session_arn;
};

struct PlayerSessionInfo {
  std::string player_id;
  std::string player_session_id;  // psess-...
};

// What a client needs to join: FlexMatch's gameSessionConnectionInfo.
struct ConnectionInfo {
  std::string game_session_arn;
  std::string ip_address;
  std::string dns_name;
  int port = 0;
  std::vector<PlayerSessionInfo> player_sessions;  // one per player of the request
};

enum class PlacementOutcome : uint8_t { kFulfilled, kTimedOut, kFailed };

struct PlacementResult {
  std::string placement_id;
  PlacementOutcome outcome = PlacementOutcome::kFailed;
  std::string message;        // why, for kTimedOut and kFailed
  ConnectionInfo connection;  // for kFulfilled
};

class Placer {
 public:
  using Done = std::function<void(PlacementResult)>;
  virtual ~Placer() = default;

  // Starts placing. `done` runs exactly once, from any thread (possibly before place()
  // returns), and must not block. Placing the same placement_id twice is a caller error.
  virtual void place(PlacementRequest request, Done done) = 0;

  // Gives up a placement that has not ended (the tickets were cancelled or the service is
  // stopping): its reservations are released and its `done` never runs. No effect on an
  // unknown or ended placement.
  virtual void abandon(const std::string& placement_id) = 0;
};

}  // namespace sapi::matchmaking
