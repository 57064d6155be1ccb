#pragma once

// The fleet's records: game servers, the game sessions placed on them and the player sessions
// reserved in those, as GameLift names them.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace sapi::fleet {

enum class GameSessionStatus : uint8_t { kActivating, kActive, kTerminated };
enum class PlayerSessionStatus : uint8_t { kReserved, kActive, kCompleted, kTimedOut };
enum class Health : uint8_t { kHealthy, kUnhealthy };

// "ACTIVATING", "ACTIVE", "TERMINATED"; "RESERVED", "ACTIVE", "COMPLETED", "TIMEDOUT";
// "HEALTHY", "UNHEALTHY".
std::string_view status_name(GameSessionStatus status);
std::string_view status_name(PlayerSessionStatus status);
std::string_view health_name(Health health);

struct PlayerSession {
  std::string player_session_id;  // psess-<uuid>
  std::string player_id;
  std::string game_session_id;
  PlayerSessionStatus status = PlayerSessionStatus::kReserved;
  Clock::TimePoint reserved_at;  // the reservation expires player_session_timeout later
};

struct GameSession {
  std::string game_session_id;  // gsess-<uuid>
  std::string game_session_arn;
  std::string game_server_id;
  std::string location;
  std::string ip_address;
  std::string dns_name;
  int port = 0;
  int maximum_player_session_count = 0;
  GameSessionStatus status = GameSessionStatus::kActivating;
  uint64_t version = 1;  // grows with every change, for long polls
  std::vector<std::pair<std::string, std::string>> game_properties;
  std::string game_session_data;
  std::string matchmaker_data;
  std::vector<PlayerSession> player_sessions;
  std::string configuration;
  std::string placement_id;   // the placement waiting for activation; empty once fulfilled
  std::string access_key_id;  // the key of the server it was placed on
  Clock::TimePoint created_at;
  Clock::TimePoint ended_at;  // when TERMINATED

  // The fleet's running totals: the seats and status this session last counted for.
  int accounted_seats = 0;
  int accounted_status = -1;
  bool stored = false;  // has a row in the store

  // Player sessions holding a slot (RESERVED or ACTIVE).
  int seats_in_use() const;
};

// What a game server says about itself when it registers.
struct GameServerSpec {
  std::string game_server_id;  // empty: generated (gsrv-<uuid>)
  std::string ip_address;
  std::string dns_name;
  int port = 0;
  std::string location;  // a region name such as eu-west-1
  int max_players = 0;
  std::map<std::string, std::string> labels;
};

struct GameServer {
  GameServerSpec spec;        // game_server_id always set
  std::string access_key_id;  // the only key that may act for this server
  Health health = Health::kHealthy;
  int player_count = 0;  // as last reported
  Clock::TimePoint registered_at;
  Clock::TimePoint last_heartbeat;
};

// True for `[A-Za-z0-9_.-]{1,128}`: game server ids.
bool valid_game_server_id(const std::string& id);

// Checks a registration: id `[A-Za-z0-9_.-]{1,128}` when given, an IP address, port 1..65535,
// a region-like location, max_players 1..200, at most 32 labels. kInvalidArgument naming the
// field otherwise.
Status validate_spec(const GameServerSpec& spec);

// The last '/'-separated segment of a game session ARN (its id), or the text itself.
std::string game_session_id_of(std::string_view arn_or_id);

}  // namespace sapi::fleet
