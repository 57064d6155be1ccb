#pragma once

// The game server's side of the service, every call signed with SigV4: registration,
// heartbeats, game sessions placed on this server (long poll), player sessions, backfill and
// session summaries. See docs/sdk.md.
//
// Thread-safety: a GameServerClient may be used from several threads at once (e.g. a
// heartbeat thread beside a thread waiting for game sessions); each call blocks its thread at
// most its time-out and uses its own connection while in flight.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "session_api/player_client.h"
#include "session_api/result.h"
#include "session_api/sigv4.h"

namespace session_api {

struct GameServerClientOptions {
  ClientOptions client;
  Credentials credentials;
  std::string region = "us-east-1";  // the service's SigV4 region
  std::string service = "execute-api";
  // POST /session-summary: retries of 5xx and network errors, after 1 s, 2 s, 4 s, ... (as
  // the original game server did); 4xx answers are final.
  int summary_retries = 3;
  long summary_retry_base_ms = 1000;
};

struct RegisterRequest {
  std::string game_server_id;  // empty: the service generates "gsrv-<uuid>"
  std::string ip_address;
  int port = 0;
  std::string dns_name;
  std::string location;  // region name, e.g. "eu-west-1"
  int max_players = 0;
  std::map<std::string, std::string> labels;
};

struct Registration {
  std::string game_server_id;
  std::string location;
  std::string status;
  int heartbeat_interval_seconds = 0;
  int heartbeat_timeout_seconds = 0;
};

struct GameServerStatus {
  std::string game_server_id;
  std::string status;
};

struct PlayerSession {
  std::string player_session_id;
  std::string player_id;
  std::string game_session_id;
  std::string status;  // RESERVED ACTIVE COMPLETED TIMEDOUT
};

struct GameProperty {
  std::string key;
  std::string value;
};

struct GameSession {
  std::string game_session_id;
  std::string game_session_arn;
  std::string game_server_id;
  std::string location;
  std::string ip_address;
  std::string dns_name;
  int port = 0;
  int maximum_player_session_count = 0;
  std::string status;  // ACTIVATING ACTIVE TERMINATED
  int64_t version = 0;
  std::vector<GameProperty> game_properties;
  std::string game_session_data;
  std::string matchmaker_data;  // FlexMatch's matchmaker data JSON, as a string
  std::vector<PlayerSession> player_sessions;
};

struct BackfillPlayer {
  std::string player_id;
  std::string team;
  Attributes attributes;
  Latencies latency_in_ms;
};

struct BackfillRequest {
  std::string ticket_id;                // empty: generated
  std::vector<BackfillPlayer> players;  // empty: the game session's current players
};

struct BackfillTicket {
  std::string ticket_id;
  std::string status;
};

struct SessionSummary {
  std::string player_id;
  std::string session_id;
  std::vector<std::string> rewards;
  std::string end_time;  // ISO-8601; empty: now
};

struct SessionSummaryResult {
  std::string player_id;
  std::string session_id;
  int rewards_stored = 0;
  int64_t ttl = 0;
};

// The caller as the service sees it (GET /identity/game-server).
struct GameServerIdentity {
  std::string access_key_id;
  std::string name;
};

class GameServerClient {
 public:
  explicit GameServerClient(GameServerClientOptions options);
  ~GameServerClient();
  GameServerClient(const GameServerClient&) = delete;
  GameServerClient& operator=(const GameServerClient&) = delete;

  // Replaces the credentials (e.g. rotated temporary ones); calls in flight keep the old.
  void set_credentials(Credentials credentials);

  Result<GameServerIdentity> identity();

  // POST /game-servers; registering the same id again updates it.
  Result<Registration> register_server(const RegisterRequest& request);
  // DELETE /game-servers/{id}.
  Result<GameServerStatus> deregister(const std::string& game_server_id);
  // POST /game-servers/{id}/heartbeat. player_count < 0 leaves it out; health "HEALTHY",
  // "UNHEALTHY" or empty. 404 GAME_SERVER_NOT_FOUND: the server was taken out, register again.
  Result<GameServerStatus> heartbeat(const std::string& game_server_id, int player_count = -1,
                                     const std::string& health = "");

  // GET /game-servers/{id}/game-session?waitSeconds=N: the next game session placed on this
  // server, or an empty optional when none came within wait_seconds (at most 20).
  Result<std::optional<GameSession>> wait_for_game_session(const std::string& game_server_id,
                                                           int wait_seconds);

  // GET /game-sessions/{id}; with known_version it waits up to wait_seconds until the
  // session's version differs from it (e.g. a backfill added players).
  Result<GameSession> game_session(const std::string& game_session_id, int wait_seconds = 0,
                                   std::optional<int64_t> known_version = std::nullopt);

  // POST /game-sessions/{id}/activate: the server is ready; the players' tickets complete.
  Result<GameSession> activate(const std::string& game_session_id);

  // POST .../player-sessions/{psid}/accept: validates the player session a connecting player
  // presents (GameLift's AcceptPlayerSession). 404 PLAYER_SESSION_NOT_FOUND or 409
  // PLAYER_SESSION_NOT_RESERVED: refuse the player.
  Result<PlayerSession> accept_player_session(const std::string& game_session_id,
                                              const std::string& player_session_id);

  // DELETE .../player-sessions/{psid}: the player left.
  Result<PlayerSession> remove_player_session(const std::string& game_session_id,
                                              const std::string& player_session_id);

  // POST /game-sessions/{id}/end.
  Result<GameSession> end(const std::string& game_session_id);

  // POST /game-sessions/{id}/backfill (StartMatchBackfill); 409 BACKFILL_IN_PROGRESS.
  Result<BackfillTicket> start_backfill(const std::string& game_session_id,
                                        const BackfillRequest& request);
  // DELETE /game-sessions/{id}/backfill/{ticketId} (StopMatchBackfill).
  Result<BackfillTicket> stop_backfill(const std::string& game_session_id,
                                       const std::string& ticket_id);

  // POST /session-summary, retried as GameServerClientOptions says.
  Result<SessionSummaryResult> post_session_summary(const SessionSummary& summary);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace session_api
