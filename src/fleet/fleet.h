#pragma once

// The fleet: registered game servers, bound to the access key that registered them and kept
// alive by heartbeats; the game sessions placed on them with their player sessions; long
// polls for both; and the matchmaking::Placer that puts matches on servers
// (docs/game-server-api.md). Everything sits behind one mutex; callbacks run outside it.
// Changes are written through store::FleetStore so servers and game sessions survive a
// restart.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "base/keyed_hash.h"
#include "base/result.h"
#include "fleet/game_session.h"
#include "fleet/queue.h"
#include "fleet/selection.h"
#include "matchmaking/placement.h"
#include "store/fleet_store.h"
#include "store/write_done.h"

namespace sapi::obs {
class Registry;
}

namespace sapi::fleet {

struct FleetOptions {
  std::string fleet_name = "session-api";  // in game session ARNs
  std::chrono::seconds heartbeat_interval{10};
  std::chrono::seconds heartbeat_timeout{30};
  std::chrono::seconds player_session_timeout{60};
  // Terminated game sessions stay readable this long, then are purged from memory and store.
  std::chrono::seconds finished_retention{3600};
  // How often reaping, reservation and placement time-outs and long-poll deadlines are
  // checked when run_threads is set.
  std::chrono::milliseconds tick_interval{100};
  // False: no thread; the owner calls tick() (tests on a manual clock).
  bool run_threads = true;
  // The queue called `name` (PlacementRequest::queue), or nullopt when there is none (the
  // placement fails). Unset: only the embedded `default` exists.
  std::function<std::optional<QueueConfig>(const std::string& name)> queue_named;
  // Runs with the game session's ARN each time one becomes TERMINATED (ended by its server,
  // its server reaped or deregistered, its placement lost), outside the fleet's mutex, so that
  // what waits on the game session (a backfill ticket) can stop. Unset: nothing runs.
  std::function<void(const std::string& game_session_arn)> on_game_session_terminated;
};

class Fleet final : public matchmaking::Placer {
 public:
  struct Room;  // fleet_internal.h
  // Waiting placements looked at by a re-try after a change (oldest first), and per chunk
  // of tick()'s pass over all of them, between which the mutex is released.
  static constexpr size_t kRetryBudget = 64;
  static constexpr size_t kRetryChunk = 256;

  // Answers a long poll for a game session: the session, nullopt when none came in time, or
  // an error (unknown, another key's).
  using SessionWaiter = std::function<void(Result<std::optional<GameSession>>)>;

  // Builds the fleet from what `store` holds (may be null: nothing durable then): servers
  // come back with a fresh heartbeat deadline, ACTIVE game sessions with their player
  // sessions; ACTIVATING ones belonged to placements lost with the process and are
  // terminated. `metrics` may be null.
  static Result<std::unique_ptr<Fleet>> create(FleetOptions options, store::FleetStore* store,
                                               const Clock& clock, obs::Registry* metrics);
  ~Fleet() override;

  const FleetOptions& options() const { return options_; }

  // Registers (or, from the same key, updates) a game server. kPermissionDenied when the id
  // belongs to another key; kInvalidArgument for a bad spec. `durable` runs once stored.
  Result<GameServer> register_server(const std::string& access_key_id, GameServerSpec spec,
                                     store::WriteDone durable);

  // Takes a server out as if it had died: its game sessions not yet activated are placed
  // elsewhere, its active ones end. kNotFound / kPermissionDenied.
  Status deregister_server(const std::string& access_key_id, const std::string& game_server_id,
                           store::WriteDone durable);

  // Records a heartbeat. kNotFound once the server was taken out; kInvalidArgument (nothing
  // recorded) for a player_count above the server's max_players.
  Result<GameServer> heartbeat(const std::string& access_key_id, const std::string& game_server_id,
                               std::optional<int> player_count, std::optional<Health> health);

  // Long poll for the oldest game session placed on the server and not yet activated: `done`
  // runs with it as soon as there is one, or with nullopt at `deadline`.
  void wait_for_game_session(const std::string& access_key_id, const std::string& game_server_id,
                             Clock::TimePoint deadline, SessionWaiter done);

  // The game session; with `known_version`, waits until its version differs from it or
  // `deadline` passes (then answers with the session as it is).
  void watch_game_session(const std::string& access_key_id, const std::string& game_session_id,
                          std::optional<uint64_t> known_version, Clock::TimePoint deadline,
                          SessionWaiter done);

  // ACTIVATING -> ACTIVE; fulfils the placement. Activating an ACTIVE session is a no-op;
  // a TERMINATED one is kFailedPrecondition.
  Result<GameSession> activate(const std::string& access_key_id, const std::string& game_session_id,
                               store::WriteDone durable);

  // GameLift's AcceptPlayerSession: RESERVED and unexpired -> ACTIVE, once. kNotFound for an
  // unknown player session, kFailedPrecondition (saying why) otherwise.
  Result<PlayerSession> accept_player_session(const std::string& access_key_id,
                                              const std::string& game_session_id,
                                              const std::string& player_session_id,
                                              store::WriteDone durable);

  // The player left: -> COMPLETED, freeing the slot (idempotent once COMPLETED).
  Result<PlayerSession> remove_player_session(const std::string& access_key_id,
                                              const std::string& game_session_id,
                                              const std::string& player_session_id,
                                              store::WriteDone durable);

  // -> TERMINATED, freeing the server's slots (idempotent).
  Result<GameSession> end_game_session(const std::string& access_key_id,
                                       const std::string& game_session_id,
                                       store::WriteDone durable);

  // The game session if `access_key_id` may see it.
  Result<GameSession> game_session(const std::string& access_key_id,
                                   const std::string& game_session_id) const;

  // True when `player_id` had a player session in a game session this fleet placed on a
  // server of `access_key_id` and still holds (running, or ended less than
  // finished_retention ago).
  bool had_player_session(const std::string& access_key_id, const std::string& player_id) const;

  // Replaces FleetOptions::on_game_session_terminated, for an owner that builds what the hook
  // calls after the fleet (the matchmaking service, whose Placer the fleet is). A call already
  // under way may still run the previous hook. The first hook set this way also runs, before
  // this returns, for each game session that create() found ended (ACTIVATING, or on a server
  // gone) while no hook was set, so that what waits on it (a restored backfill) can stop.
  void set_on_game_session_terminated(std::function<void(const std::string&)> hook);

  // Counts, for metrics and tests.
  size_t server_count() const;
  size_t pending_placements() const;

  // matchmaking::Placer.
  void place(matchmaking::PlacementRequest request, Done done) override;
  void abandon(const std::string& placement_id) override;

  // Applies everything due at the clock's time: reaps silent servers, expires reservations,
  // times out placements, re-tries waiting ones and ends expired long polls.
  void tick();

  // Stops the thread and answers pending long polls with nullopt. Idempotent.
  void stop();

 private:
  struct Pending;
  struct Waiter;
  struct Metrics;
  class CallerLock;  // fleet_internal.h
  // A server's RESERVED and ACTIVE seats, and its place in room_ (kNoIndex while room_ is
  // stale or the server is gone).
  struct Slots {
    static constexpr size_t kNoIndex = static_cast<size_t>(-1);
    int used = 0;
    size_t room_index = kNoIndex;
  };
  // Long polls by game server id or game session id.
  using Waiters = std::unordered_map<std::string, std::vector<Waiter>>;
  // Work to do once the mutex is released (callbacks).
  using Deferred = std::vector<std::function<void()>>;

  Fleet(FleetOptions options, store::FleetStore* store, const Clock& clock, obs::Registry* metrics);
  Status restore();
  void run();
  static void run_all(Deferred& deferred);
  // A call that changed nothing is already durable: acknowledges `durable` after the mutex.
  static void acknowledge_unchanged(store::WriteDone durable, Deferred& deferred);

  // All below: mu_ held.
  Result<GameServer*> owned_server(const std::string& key, const std::string& id);
  Result<GameSession*> owned_session(const std::string& key, const std::string& id);
  Result<const GameSession*> owned_session(const std::string& key, const std::string& id) const;
  int free_slots(const GameServer& server) const;
  // Counts a player session of `player_id` on a server of `access_key_id` (one per entry of
  // a session's player_sessions), and forgets those of a purged session.
  void note_placed(const std::string& player_id, const std::string& access_key_id);
  void forget_placed(const GameSession& session);
  void persist_server(const GameServer& server, store::WriteDone durable);
  void persist_session(GameSession& session, store::WriteDone durable);
  void changed(GameSession& session, Deferred& deferred, store::WriteDone durable = {});
  void terminate(GameSession& session, Deferred& deferred, store::WriteDone durable = {});
  void remove_server(const std::string& id, Deferred& deferred, store::WriteDone durable);
  void expire_reservations(Clock::TimePoint now, Deferred& deferred);
  void expire_waiters(Clock::TimePoint now, Deferred& deferred);
  void notify_server_waiters(const std::string& server_id, Deferred& deferred);
  void account(GameSession& session);
  void update_gauges();
  // Drops terminated sessions past their retention, oldest first (a look at one session when
  // none is due); true when the store's turn is due.
  bool purge_finished(Clock::TimePoint now);

  // Placement (fleet_placement.cc), mu_ held.
  void place_backfill(matchmaking::PlacementRequest request, Done done, Deferred& deferred);
  bool try_place(Pending& pending, Room& room, Clock::TimePoint now, Deferred& deferred);
  // Re-tries waiting placements oldest first, from sequence number `from`, looking at no
  // more than `budget` of them (a placement that cannot fit anywhere costs a look at a small
  // table, not a selection). Returns the sequence number to resume from, or nullopt when
  // the end was reached.
  std::optional<uint64_t> retry_from(uint64_t from, size_t budget, Deferred& deferred);
  // After a change that frees capacity: the oldest waiting placements only, so that the
  // call that freed it stays short; tick() goes through the rest.
  void retry_pending(Deferred& deferred);
  // Every waiting placement, in chunks, releasing the mutex between them. mu_ not held.
  void retry_all_pending();
  // Between two pieces of the tick's work, mu_ not held: lets the callers waiting for mu_
  // (std::mutex is not fair, and a thread that re-locks at once usually wins) in first.
  void let_callers_in() const;
  void time_out_placements(Clock::TimePoint now, Deferred& deferred);
  void finish(const std::string& placement_id, matchmaking::PlacementResult result,
              Deferred& deferred);
  void fulfil(GameSession& session, Deferred& deferred);
  // The servers as a selection sees them, rebuilt only after the set of servers or their
  // health changed; seat changes update it in place (account()).
  Room& room();
  Selection select(const Pending& pending, const Room& room, Clock::TimePoint now) const;
  void placement_lost(GameSession& session, Deferred& deferred);

  FleetOptions options_;
  store::FleetStore* store_;
  const Clock& clock_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mu_;
  // Callers (CallerLock) waiting for mu_, and how many got it so far.
  mutable std::atomic<int> callers_waiting_{0};
  mutable std::atomic<uint64_t> callers_entered_{0};
  std::map<std::string, GameServer> servers_;
  std::unordered_map<std::string, GameSession> sessions_;  // terminated ones until purged
  std::unordered_map<std::string, std::vector<std::string>> sessions_by_server_;
  std::unordered_map<std::string, Slots> slots_;  // by server id
  std::unique_ptr<Room> room_;
  int64_t status_counts_[3] = {0, 0, 0};  // game sessions by status
  // player id -> (access key number, player sessions in sessions_ on servers of that key):
  // usually one key, so a short vector rather than a set per player.
  std::unordered_map<std::string, uint32_t> key_numbers_;
  KeyedMap<std::vector<std::pair<uint32_t, uint32_t>>> placed_players_;  // by player id
  // Terminated game sessions in the order they ended, for purge_finished().
  std::deque<std::pair<Clock::TimePoint, std::string>> ended_order_;
  std::map<std::string, std::unique_ptr<Pending>> pending_;  // by placement id
  std::map<uint64_t, Pending*> pending_order_;               // by sequence
  // The pending placements with no game session ACTIVATING for them, by sequence: the ones a
  // re-try looks at.
  std::map<uint64_t, Pending*> waiting_;
  uint64_t next_sequence_ = 0;
  Waiters server_waiters_;   // by game server id
  Waiters session_waiters_;  // by game session id
  std::function<void(const std::string&)> on_terminated_;
  // ARNs of the game sessions restore() ended while no hook was set.
  std::vector<std::string> ended_unheard_;

  Clock::TimePoint next_purge_;
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace sapi::fleet
