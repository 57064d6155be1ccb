#pragma once

// The matchmaking service: one Lifecycle (and thread) per configuration, durable tickets,
// one active ticket per player, and the concurrent table that status reads come from.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "base/keyed_hash.h"
#include "base/result.h"
#include "matchmaking/backfill.h"
#include "matchmaking/configuration.h"
#include "matchmaking/events.h"
#include "matchmaking/lifecycle.h"
#include "matchmaking/placement.h"
#include "matchmaking/ticket_table.h"
#include "store/ticket_store.h"

namespace sapi::matchmaking {

struct ServiceOptions {
  // Used by requests that name no configuration; must be one of the configurations.
  std::string default_configuration;
  std::string region = "eu-west-1";
  std::string account = "000000000000";
  // A cycle runs at least this often, and right after new tickets arrive.
  std::chrono::milliseconds cycle_interval{50};
  // Finished tickets stay readable this long, then are purged from memory and the store.
  std::chrono::seconds finished_retention{3600};
  // False: no threads; the owner calls run_once() (tests on a manual clock).
  bool run_threads = true;
  // Places the matches of WITH_QUEUE configurations (the fleet); it must outlive the service.
  // Null: those matches end FAILED with PLACEMENT_FAILED ("no placement service").
  Placer* placer = nullptr;
};

struct StartRequest {
  std::optional<std::string> ticket_id;    // a UUID when absent
  std::string configuration;               // empty: the default
  std::string owner_player_id;             // the caller; must be one of `players`
  std::vector<flexmatch::Player> players;  // 1..10, decoded against the configuration's rules
  // The rule set that decoded `players` (null: the configuration's current one); a reload
  // between decoding and starting then reads them anew.
  const flexmatch::RuleSet* rules = nullptr;
};

class MatchmakingService {
 public:
  using TicketDone = std::function<void(Result<TicketPtr>)>;

  // Builds the service and resumes the unfinished tickets of `store` (which may be null:
  // nothing is durable then). Fails when the default configuration is not among
  // `configurations` or the store cannot be read.
  static Result<std::unique_ptr<MatchmakingService>> create(
      std::vector<Configuration> configurations, ServiceOptions options, store::TicketStore* store,
      const Clock& clock);
  ~MatchmakingService();

  // The configuration called `name` (empty: the default), or null.
  const Configuration* configuration(std::string_view name) const;
  const std::string& default_configuration() const { return options_.default_configuration; }

  // Starts a ticket. `done` runs (on another thread when there is a store) once the ticket is
  // durable in QUEUED, with the ticket; an earlier ticket of any of its players that is
  // still active is cancelled with statusReason REPLACED. Restarting with the ticketId of a
  // ticket the same player owns returns that ticket unchanged. Errors: kInvalidArgument
  // (unknown configuration, bad ticket id, no or too many players, owner not among them),
  // kAlreadyExists (the ticket id belongs to another player), kUnavailable (store).
  void start(StartRequest request, TicketDone done);

  // The ticket as last published, from memory or, for a finished ticket of an earlier run,
  // from the store. kNotFound when unknown or purged.
  Result<TicketPtr> describe(const std::string& ticket_id) const;

  // Long poll: runs `done` once the ticket's version passes `seen_version` or at `deadline`.
  void wait_for_change(const std::string& ticket_id, uint64_t seen_version,
                       Clock::TimePoint deadline, TicketTable::Waiter done);

  // FlexMatch's StartMatchBackfill: a backfill ticket, owned by no player, for the game
  // session `request.game_session_arn`; `done` runs once it is durable in QUEUED. Its match
  // is placed onto that game session with only the new players, and the backfill ticket ends
  // COMPLETED. Stop it with cancel(). Errors: kInvalidArgument (unknown configuration, bad
  // ticket id, no game session, 0 or more than 199 players, a player without a valid team),
  // kAlreadyExists (a backfill ticket is already active for the game session, or the ticket
  // id is taken), kUnavailable (store).
  void start_backfill(BackfillRequest request, TicketDone done);

  // The active backfill ticket of a game session, or nullopt.
  std::optional<std::string> active_backfill(const std::string& game_session_arn) const;

  // Stops a ticket (CANCELLED, statusReason CANCELLED). A ticket that already ended is
  // returned unchanged. kFailedPrecondition in PLACING, as FlexMatch.
  void cancel(const std::string& ticket_id, TicketDone done);

  // Records ACCEPT (`accept`) or REJECT for `player_ids` of a ticket in REQUIRES_ACCEPTANCE.
  void accept(const std::string& ticket_id, std::vector<std::string> player_ids, bool accept,
              TicketDone done);

  // Median of the configuration's recent wait times in seconds, or nullopt while unknown.
  std::optional<int> estimated_wait_seconds(const std::string& configuration) const;

  EventBus& events() { return events_; }
  const TicketTable& table() const { return table_; }

  // Replaces the configurations without losing tickets (SIGHUP): each configuration's
  // tickets move to its new version (see Lifecycle::hand_over); new configurations start
  // empty. Refused, changing nothing, when the default configuration is missing or a current
  // configuration would be removed (its tickets would be lost: a restart removes it, failing
  // them).
  Status reload(std::vector<Configuration> configurations);

  // Without threads: applies queued commands, time-outs and one cycle of every
  // configuration at the clock's time, and ends expired long polls.
  void run_once();

  // Stops the threads and ends pending long polls. Idempotent.
  void stop();

 private:
  MatchmakingService(ServiceOptions options, store::TicketStore* store, const Clock& clock);
  Lifecycle* lifecycle(std::string_view configuration) const;
  Result<std::vector<std::unique_ptr<Lifecycle>>> make_lifecycles(
      std::vector<Configuration> configurations);
  std::vector<Lifecycle*> all_lifecycles() const;
  // Writes a new ticket as QUEUED, then publishes it and hands it to `lifecycle`.
  void persist_and_add(TicketView ticket, Lifecycle& lifecycle, TicketDone done);
  void begin_backfill(BackfillRequest request, TicketDone done, bool check_existing);
  Status recover();
  // Publishes a stored ticket, replaces its players' earlier tickets and hands it to its
  // lifecycle; returns the ticket as published.
  TicketPtr on_durable(TicketView ticket, Lifecycle& lifecycle, bool restored);
  void on_final(const TicketView& ticket);
  void run_lifecycle(Lifecycle& lifecycle);
  void run_housekeeping();

  ServiceOptions options_;
  store::TicketStore* store_;
  const Clock& clock_;
  EventBus events_;
  TicketTable table_;
  // Read by every request, replaced by reload(); lifecycles are never destroyed before the
  // service, so a pointer from lifecycle() stays usable.
  mutable std::shared_mutex lifecycles_mu_;
  std::vector<std::unique_ptr<Lifecycle>> lifecycles_;
  std::vector<std::unique_ptr<Lifecycle>> retired_;  // replaced by a reload

  mutable std::mutex players_mu_;
  // player id -> (ticket id, its lifecycle) of the player's active ticket.
  // Keyed by ids that callers choose (a party names its players): keyed hashes.
  KeyedMap<std::pair<std::string, Lifecycle*>> active_by_player_;
  KeyedSet pending_ids_;  // being written, not yet published
  // game session ARN -> its active backfill ticket (also while being written).
  KeyedMap<std::string> active_backfill_;

  std::atomic<bool> stopping_{false};
  std::mutex threads_mu_;  // threads_, and one reload or stop at a time
  std::vector<std::thread> threads_;
  std::mutex housekeeping_mu_;
  std::condition_variable housekeeping_cv_;
};

}  // namespace sapi::matchmaking
