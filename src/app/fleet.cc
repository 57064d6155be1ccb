#include "app/fleet.h"

#include <map>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "api/game_servers_api.h"
#include "app/config_fleet.h"
#include "fleet/queue.h"

namespace sapi::app {
namespace {

// Cancels the active backfill ticket of a game session that ended: its players are gone, and
// a match found for it could only fail to place. The fleet is built (and may end game
// sessions) before the matchmaking service exists and is released after it, so the link is
// made once both exist and cut before the service goes; the mutex keeps a call under way from
// outliving the service.
class BackfillCancelling {
 public:
  BackfillCancelling(matchmaking::MatchmakingService* service, obs::Logger& log)
      : service_(service), log_(log) {}

  void game_session_ended(const std::string& game_session_arn) {
    std::lock_guard lock(mu_);
    if (!service_) return;
    auto ticket_id = service_->active_backfill(game_session_arn);
    if (!ticket_id) return;
    log_.info("cancelling the backfill of an ended game session",
              {{"ticket_id", *ticket_id}, {"game_session_arn", game_session_arn}});
    // A ticket being placed cannot be cancelled; its placement onto the ended game session
    // fails on its own.
    service_->cancel(*ticket_id, [](const Result<matchmaking::TicketPtr>&) {});
  }

  // Cancels each restored backfill ticket whose game session is not running. Such a game
  // session ended in the previous run after its end was stored but before the cancel was (the
  // process died in between), and nothing will end it again: without this the ticket would
  // search until its time-out. Runs once at start-up, after the fleet's restore, whose
  // running game sessions are the stored ones (an ended game session's row is deleted).
  // Those the restore itself ended are cancelled through the hook too; a second cancel of a
  // ticket changes nothing.
  void cancel_orphaned(store::Store& store) {
    auto tickets = store.tickets().list_unfinished_tickets();
    auto sessions = store.fleet().list_active_game_sessions();
    if (!tickets.ok() || !sessions.ok()) {
      const Status& error = tickets.ok() ? sessions.status() : tickets.status();
      log_.error("cannot look for backfills of ended game sessions", {{"error", error.message()}});
      return;
    }
    std::unordered_set<std::string> running;
    for (const auto& s : *sessions) running.insert(s.id);
    std::vector<std::string> orphaned;
    {
      std::lock_guard lock(mu_);
      if (!service_) return;
      for (const auto& record : *tickets) {
        auto ticket = service_->describe(record.id);
        if (!ticket.ok() || !(*ticket)->backfill) continue;
        const std::string& arn = (*ticket)->game_session_arn;
        if (!running.count(fleet::game_session_id_of(arn))) orphaned.push_back(arn);
      }
    }
    for (const auto& arn : orphaned) game_session_ended(arn);
  }

  void detach() {
    std::lock_guard lock(mu_);
    service_ = nullptr;
  }

 private:
  std::mutex mu_;
  matchmaking::MatchmakingService* service_;
  obs::Logger& log_;
};

// Kept by Services after the matchmaking service, hence released before it.
class BackfillCancellingLink {
 public:
  explicit BackfillCancellingLink(std::shared_ptr<BackfillCancelling> link)
      : link_(std::move(link)) {}
  BackfillCancellingLink(const BackfillCancellingLink&) = delete;
  BackfillCancellingLink& operator=(const BackfillCancellingLink&) = delete;
  ~BackfillCancellingLink() { link_->detach(); }

 private:
  std::shared_ptr<BackfillCancelling> link_;
};

}  // namespace

Result<fleet::Fleet*> create_fleet(Services& services) {
  const auto& f = services.config.section<FleetConfig>();
  if (f.heartbeat_timeout_seconds <= f.heartbeat_interval_seconds) {
    return invalid_argument(
        "fleet.heartbeat_timeout_seconds must be longer than "
        "fleet.heartbeat_interval_seconds");
  }
  std::vector<fleet::QueueConfig> queues;
  if (!f.queues_file.empty()) {
    auto loaded = fleet::load_queues_file(f.queues_file);
    if (!loaded.ok()) return loaded.status();
    queues = std::move(*loaded);
  }
  auto by_name = std::make_shared<std::map<std::string, fleet::QueueConfig>>();
  for (auto& q : fleet::with_default_queue(std::move(queues))) (*by_name)[q.name] = q;

  fleet::FleetOptions options;
  options.fleet_name = f.name;
  options.heartbeat_interval = std::chrono::seconds(f.heartbeat_interval_seconds);
  options.heartbeat_timeout = std::chrono::seconds(f.heartbeat_timeout_seconds);
  options.player_session_timeout = std::chrono::seconds(f.player_session_timeout_seconds);
  options.finished_retention = std::chrono::seconds(f.finished_game_session_retention_seconds);
  options.queue_named = [by_name](const std::string& name) -> std::optional<fleet::QueueConfig> {
    auto it = by_name->find(name);
    if (it == by_name->end()) return std::nullopt;
    return it->second;
  };
  auto created = fleet::Fleet::create(std::move(options), &services.store.fleet(), services.clock,
                                      &services.metrics);
  if (!created.ok()) return created.status();
  fleet::Fleet& kept = services.keep(std::move(*created));
  std::string names;
  for (const auto& [name, q] : *by_name) names += (names.empty() ? "" : ",") + name;
  services.log.info("fleet", {{"name", f.name},
                              {"queues_file", f.queues_file},
                              {"queues", names},
                              {"game_servers", static_cast<int64_t>(kept.server_count())}});
  return &kept;
}

void mount_fleet(Services& services, http::Router& router, const api::GameServerAuth& auth,
                 fleet::Fleet& fleet, matchmaking::MatchmakingService* service) {
  api::GameServerRouteOptions options;
  options.json = services.json;
  api::add_game_server_routes(router, auth, fleet, services.clock, options);
  if (!service) return;
  api::add_backfill_routes(router, auth, fleet, *service, services.json);
  auto cancelling = std::make_shared<BackfillCancelling>(service, services.log);
  fleet.set_on_game_session_terminated(
      [cancelling](const std::string& arn) { cancelling->game_session_ended(arn); });
  services.keep(std::make_unique<BackfillCancellingLink>(cancelling));
  cancelling->cancel_orphaned(services.store);
}

}  // namespace sapi::app
