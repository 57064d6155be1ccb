#pragma once

// The lifecycle of the tickets of one matchmaking configuration: searching, potential
// matches, acceptance, placement (WITH_QUEUE), time-outs, cancellation. Single-threaded: commands
// are queued from any thread and applied by step(), which the configuration's matchmaking thread
// calls (tests call it directly on a manual clock).

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "flexmatch/matchmaker.h"
#include "matchmaking/backfill.h"
#include "matchmaking/configuration.h"
#include "matchmaking/events.h"
#include "matchmaking/placement.h"
#include "matchmaking/ticket_index.h"
#include "matchmaking/ticket_table.h"
#include "store/ticket_store.h"

namespace sapi::matchmaking {

struct LifecycleOptions {
  std::string region = "eu-west-1";  // for ARNs in events
  std::string account = "000000000000";
  // How long finished tickets stay in memory (and in the store) for reads.
  std::chrono::seconds finished_retention{3600};
  // Wait times kept for estimatedWaitTime.
  size_t wait_time_samples = 100;
  // Places WITH_QUEUE matches; must outlive the lifecycle. Null: such matches end FAILED
  // (PLACEMENT_FAILED, "no placement service").
  Placer* placer = nullptr;
};

// What the lifecycle tells its owner.
struct LifecycleHooks {
  // A ticket reached a final status (to release its players).
  std::function<void(const TicketView&)> on_final;
  // A placement with open slots was fulfilled in a configuration with automatic backfill: a
  // backfill ticket with this request (its id already in the matchmaker data) should start.
  std::function<void(BackfillRequest)> on_auto_backfill;
};

class Lifecycle {
 public:
  using CancelDone = std::function<void(Result<TicketPtr>)>;
  using AcceptDone = std::function<void(Result<TicketPtr>)>;

  Lifecycle(Configuration config, LifecycleOptions options, TicketTable& table,
            store::TicketStore* store, EventBus& events, LifecycleHooks hooks);
  ~Lifecycle();

  const Configuration& configuration() const { return config_; }

  // Queues a ticket that is durable in QUEUED; step() moves it to SEARCHING.
  void add(TicketView ticket);
  // Queues a ticket read back after a restart: it goes back to SEARCHING with its original
  // startTime (the potential match it may have been in was lost with the process).
  void restore(TicketView ticket);
  // Queues a cancellation. `force` also stops a ticket in PLACING (which FlexMatch refuses).
  // `done` gets the ticket afterwards (already final: unchanged), or kNotFound, or
  // kFailedPrecondition for PLACING without force.
  void cancel(std::string ticket_id, std::string reason, std::string message, bool force,
              CancelDone done);
  // Queues an acceptance answer for `player_ids` of a ticket in REQUIRES_ACCEPTANCE.
  void accept(std::string ticket_id, std::vector<std::string> player_ids, bool accept,
              AcceptDone done);

  // Applies queued commands, time-outs and, when tickets arrived or `cycle_due`, one
  // matchmaking cycle at `now`. Returns true when it did anything.
  bool step(Clock::TimePoint now, bool cycle_due);

  // Hands every ticket to `successor` (the same configuration, reloaded) and retires; queued,
  // applied by step(). Running placements are abandoned; unfinished tickets search again there
  // with their startTime, read anew against the successor's rule set (one that no longer
  // decodes ends FAILED, UNMATCHABLE); finished ones stay readable until purged there. Every
  // command that reaches this lifecycle afterwards goes to the successor.
  void hand_over(Lifecycle* successor);
  bool retired() const { return retired_.load(); }
  // Holds every command back until a predecessor's hand_over() has arrived, so that nothing
  // can reach a ticket before the ticket itself. Call before the lifecycle is reachable.
  void await_handover();

  // Gives up every placement still running (the service is stopping): their results never
  // arrive. Call only once step() no longer runs.
  void abandon_placements();

  // Blocks until a command is queued or `timeout` passes.
  void wait_for_work(std::chrono::milliseconds timeout);
  void wake();

  // The median of recent wait times in seconds (rounded up), or -1 while unknown.
  int estimated_wait_seconds() const { return estimate_.load(std::memory_order_relaxed); }
  size_t active_tickets() const { return active_count_.load(std::memory_order_relaxed); }

 private:
  struct Add {
    TicketView ticket;
    bool restored;
  };
  struct Cancel {
    std::string id, reason, message;
    bool force;
    CancelDone done;
  };
  struct Accept {
    std::string id;
    std::vector<std::string> players;
    bool accept;
    AcceptDone done;
  };
  struct Placed {
    PlacementResult result;
  };
  struct HandOver {
    Lifecycle* successor;
  };
  using Command = std::variant<Add, Cancel, Accept, Placed, HandOver>;

  struct Proposal {
    std::string match_id;
    std::vector<std::string> ticket_ids;
    Clock::TimePoint deadline;
  };
  struct Placement {
    std::vector<std::string> ticket_ids;
    std::string auto_backfill_ticket_id;  // empty: no automatic backfill
  };

  void push(Command c);
  static void recycle(std::vector<Command>& commands);
  void apply(Add& c, Clock::TimePoint now);
  void apply(Cancel& c, Clock::TimePoint now);
  void apply(Accept& c, Clock::TimePoint now);
  void apply(Placed& c, Clock::TimePoint now);
  // Retires: ends what cannot move and returns the tickets as commands for the successor.
  std::vector<Command> take_tickets(Lifecycle* successor, Clock::TimePoint now);
  void apply(HandOver&, Clock::TimePoint) {}  // step() hands over itself
  // Puts a predecessor's tickets (and the commands that reached it) before everything queued.
  void receive(std::vector<Command> batch);
  // The ticket decoded by `from` as `to` reads it (a reloaded rule set may declare other
  // attributes).
  static Result<TicketView> reread(const TicketView& t, const flexmatch::RuleSet& from,
                                   const flexmatch::RuleSet& to);
  void start_searching(TicketView& t, Clock::TimePoint now, bool emit_event,
                       std::string_view reason = {}, std::string message = {});
  void on_match(flexmatch::Match& m, Clock::TimePoint now);
  // The match's tickets go on: COMPLETED (STANDALONE) or PLACING.
  void matched(const std::string& match_id, const std::vector<std::string>& ticket_ids,
               Clock::TimePoint now);
  void place(const std::string& match_id, const std::vector<std::string>& ticket_ids,
             Clock::TimePoint now);
  void fulfil(const Placement& placement, const std::vector<TicketView*>& tickets,
              const PlacementResult& result, Clock::TimePoint now);
  // Stops the placement of a match one of whose tickets left; the others search again.
  void abandon_placement(const std::string& match_id, Clock::TimePoint now);
  bool past_request_timeout(const TicketView& t, Clock::TimePoint now) const;
  // Back to the pool with `reason` after a placement that did not work out, or TIMED_OUT when
  // the request time-out has passed meanwhile.
  void search_again(TicketView& t, std::string_view reason, std::string message,
                    Clock::TimePoint now);
  void resolve(const std::string& match_id, std::string_view outcome, Clock::TimePoint now);
  void finish(TicketView& t, TicketStatus status, std::string_view reason, std::string message,
              Clock::TimePoint now);
  void expire(Clock::TimePoint now);
  void purge(Clock::TimePoint now);
  void commit(TicketView& t, Clock::TimePoint now);
  void emit(std::string_view type, const std::vector<const TicketView*>& tickets,
            EventDetail detail, Clock::TimePoint now);
  void record_wait(double seconds);
  // The median of the recorded waits, when a wait was recorded since the last update.
  void update_estimate();

  Configuration config_;
  LifecycleOptions options_;
  TicketTable& table_;
  store::TicketStore* store_;
  EventBus& events_;
  LifecycleHooks hooks_;
  std::unique_ptr<flexmatch::Matchmaker> matchmaker_;
  std::shared_ptr<const EventSource> event_source_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Command> queue_;
  Lifecycle* successor_ = nullptr;  // set once handed over: commands go there
  bool awaiting_handover_ = false;
  std::atomic<bool> retired_{false};

  // Owned by the stepping thread. `taken_`: the commands step() applies, taken from queue_.
  std::vector<Command> taken_;
  TicketIndex tickets_;                                    // not yet purged
  std::map<std::string, Proposal> proposals_;              // by match id
  std::unordered_map<std::string, Placement> placements_;  // running, by match id
  using Deadline = std::pair<Clock::TimePoint, std::string>;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> timeouts_;
  std::deque<std::pair<Clock::TimePoint, std::string>> finished_;  // end time order
  std::deque<double> waits_;
  bool waits_changed_ = false;
  bool pool_changed_ = false;
  std::atomic<int> estimate_{-1};
  std::atomic<size_t> active_count_{0};
};

}  // namespace sapi::matchmaking
