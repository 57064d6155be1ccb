#pragma once

// The demo's simulated world: game servers in several regions and players with skills and
// latencies, every one of them talking to the service over HTTP through the client SDK
// (sdk/). Servers register, heartbeat, long-poll for game sessions, activate them, validate
// the players who connect, play a while, post session summaries with rewards and end;
// players get a token, start matchmaking, long-poll their ticket and, once COMPLETED,
// connect to the server named in it with their player session.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/demo_service.h"

namespace sapi::app {

struct DemoOptions {
  int players = 40;
  int servers = 6;
  int max_players_per_server = 8;
  double arrival_seconds = 3;  // players arrive spread over this long
  double play_seconds = 2;     // how long a game lasts once its players are in
  int player_timeout_seconds = 90;
  uint64_t seed = 1;
  std::vector<std::string> regions = {"eu-west-1", "us-east-1", "ap-southeast-2"};
};

// Where each player is; the progress line counts them.
enum class PlayerState { kArriving, kSearching, kPlacing, kConnecting, kInGame, kFailed };

struct DemoStats {
  std::atomic<int> game_sessions{0};  // placed and activated
  std::atomic<int> games_ended{0};
  std::atomic<int> summaries{0};  // session summaries stored
  std::atomic<int> rewards{0};
  std::atomic<int> rewards_read_back{0};       // players who read session_complete back
  std::vector<std::atomic<int>> player_state;  // PlayerState per player

  std::mutex mu;  // guards what follows
  std::vector<double> time_to_match_seconds;
  std::map<std::string, int> placements_per_region;
  std::map<std::string, int> failures;  // reason -> players or games

  explicit DemoStats(int players) : player_state(players) {}
  void fail(const std::string& reason);
  int count(PlayerState state) const;
};

class DemoWorld {
 public:
  DemoWorld(const DemoService& service, DemoOptions options, DemoStats& stats);
  ~DemoWorld();

  // Creates a key per server and registers every server; starts their loops.
  Status start_servers();
  // Runs every player to the end (in a game, or failed). Blocks.
  void run_players();
  // Waits up to `seconds` for every game to end, then stops and deregisters the servers.
  void stop_servers(double seconds);
  // Every player who got a game reads its rewards back (GET /players/{id}/rewards).
  void read_rewards();

 private:
  class Server;
  void run_player(int index);
  Server* server_at(const std::string& ip, int port);

  const DemoService& service_;
  DemoOptions options_;
  DemoStats& stats_;
  std::vector<std::unique_ptr<Server>> servers_;
};

}  // namespace sapi::app
