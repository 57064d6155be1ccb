#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/write_done.h"

namespace sapi::store {

// A registered game server. `state` is the fleet's own serialization (address, capacity,
// health...); the store keeps it as a blob.
struct GameServerRecord {
  std::string id;
  std::string state;
  Clock::TimePoint updated_at;
};

// A game session placed on a game server, with its player sessions inside `state`.
struct GameSessionRecord {
  std::string id;
  std::string game_server_id;
  std::string status;     // opaque to the store
  bool finished = false;  // terminated: kept only until purged
  std::string state;
  Clock::TimePoint updated_at;
};

// Durable game servers and game sessions.
class FleetStore {
 public:
  virtual ~FleetStore() = default;

  // Inserts or replaces a game server; `done` runs once it is durable.
  virtual void put_game_server(GameServerRecord server, WriteDone done) = 0;
  // Removes a game server (no error if absent).
  virtual void remove_game_server(std::string id, WriteDone done) = 0;
  // Every game server, ordered by id.
  virtual Result<std::vector<GameServerRecord>> list_game_servers() = 0;

  // Inserts or replaces a game session; `done` runs once it is durable. Game-session writes
  // (this and remove_game_session) are kept in order, and those that come in while the
  // store is busy go to the database together, the last write of each game session only; a
  // write that fails fails those it went with.
  virtual void put_game_session(GameSessionRecord session, WriteDone done) = 0;
  // Removes a game session (no error if absent); `done` runs once it is durable.
  virtual void remove_game_session(std::string id, WriteDone done) = 0;
  // Every game session not finished, ordered by id.
  virtual Result<std::vector<GameSessionRecord>> list_active_game_sessions() = 0;
  // Deletes at most `max_rows` finished game sessions updated before `updated_before`.
  virtual Result<int64_t> purge_finished_game_sessions(Clock::TimePoint updated_before,
                                                       size_t max_rows) = 0;
};

}  // namespace sapi::store
