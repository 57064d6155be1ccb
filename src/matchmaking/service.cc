#include "matchmaking/service.h"

#include <fmt/format.h>
#include <pthread.h>

#include "matchmaking/ids.h"

namespace sapi::matchmaking {
namespace {

bool valid_ticket_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status check_players(const StartRequest& r) {
  if (r.players.empty() || r.players.size() > flexmatch::kMaxPlayersPerTicket) {
    return invalid_argument("a ticket holds 1 to 10 players");
  }
  bool owner_found = false;
  for (size_t i = 0; i < r.players.size(); ++i) {
    const auto& p = r.players[i];
    if (p.id.empty() || p.id.size() > 1024) return invalid_argument("playerId: 1-1024 characters");
    // At most 10 players: comparing pairs costs less than building a set per request.
    for (size_t j = 0; j < i; ++j) {
      if (r.players[j].id == p.id) return invalid_argument("player " + p.id + " appears twice");
    }
    owner_found = owner_found || p.id == r.owner_player_id;
  }
  if (!owner_found) return invalid_argument("the caller must be one of the ticket's players");
  return {};
}

Status check_backfill(const BackfillRequest& r, const flexmatch::RuleSet& rules) {
  if (r.game_session_arn.empty()) return invalid_argument("a backfill needs a game session ARN");
  if (r.players.empty() || r.players.size() > flexmatch::kMaxPlayersPerBackfillTicket) {
    return invalid_argument("a backfill ticket holds 1 to 199 players");
  }
  std::unordered_set<std::string> seen;
  for (const auto& p : r.players) {
    if (p.id.empty() || p.id.size() > 1024) return invalid_argument("playerId: 1-1024 characters");
    if (!seen.insert(p.id).second) return invalid_argument("player " + p.id + " appears twice");
    if (!p.team || *p.team < 0 || *p.team >= static_cast<int>(rules.teams.size())) {
      return invalid_argument("player " + p.id + " has no team of the rule set");
    }
  }
  return {};
}

// A configuration named by its ARN (arn:aws:gamelift:<region>::matchmakingconfiguration/NAME)
// or by its name.
std::string_view configuration_name(std::string_view name_or_arn) {
  constexpr std::string_view kMarker = ":matchmakingconfiguration/";
  size_t at = name_or_arn.rfind(kMarker);
  if (name_or_arn.rfind("arn:", 0) != 0 || at == std::string_view::npos) return name_or_arn;
  return name_or_arn.substr(at + kMarker.size());
}

TicketView new_ticket(StartRequest& r, const std::string& id, Clock::TimePoint now) {
  TicketView t;
  t.ticket_id = id;
  t.configuration = r.configuration;
  t.owner_player_id = r.owner_player_id;
  t.status = TicketStatus::kQueued;
  t.start_time = now;
  for (auto& p : r.players) {
    PlayerView v;
    v.player_id = p.id;
    v.decoded = std::move(p);
    t.players.push_back(std::move(v));
  }
  return t;
}

}  // namespace

MatchmakingService::MatchmakingService(ServiceOptions options, store::TicketStore* store,
                                       const Clock& clock)
    : options_(std::move(options)), store_(store), clock_(clock) {}

Result<std::unique_ptr<MatchmakingService>> MatchmakingService::create(
    std::vector<Configuration> configurations, ServiceOptions options, store::TicketStore* store,
    const Clock& clock) {
  std::unique_ptr<MatchmakingService> s(new MatchmakingService(std::move(options), store, clock));
  auto lifecycles = s->make_lifecycles(std::move(configurations));
  if (!lifecycles.ok()) return lifecycles.status();
  s->lifecycles_ = std::move(*lifecycles);
  SAPI_RETURN_IF_ERROR(s->recover());
  if (s->options_.run_threads) {
    for (auto& lc : s->lifecycles_) {
      s->threads_.emplace_back([raw = s.get(), lc = lc.get()] { raw->run_lifecycle(*lc); });
    }
    s->threads_.emplace_back([raw = s.get()] { raw->run_housekeeping(); });
  }
  return s;
}

Result<std::vector<std::unique_ptr<Lifecycle>>> MatchmakingService::make_lifecycles(
    std::vector<Configuration> configurations) {
  LifecycleOptions lo;
  lo.region = options_.region;
  lo.account = options_.account;
  lo.finished_retention = options_.finished_retention;
  lo.placer = options_.placer;
  LifecycleHooks hooks;
  hooks.on_final = [this](const TicketView& t) { on_final(t); };
  hooks.on_auto_backfill = [this](BackfillRequest r) {
    // The id is fresh (in the matchmaker data already), so no store read on this thread.
    begin_backfill(
        std::move(r), [](Result<TicketPtr>) {}, false);
  };
  std::vector<std::unique_ptr<Lifecycle>> out;
  bool has_default = false;
  for (auto& c : configurations) {
    if (!c.rules) return invalid_argument("configuration " + c.name + " has no rule set");
    has_default = has_default || c.name == options_.default_configuration;
    out.push_back(std::make_unique<Lifecycle>(std::move(c), lo, table_, store_, events_, hooks));
  }
  if (!has_default) {
    return invalid_argument("the default matchmaking configuration '" +
                            options_.default_configuration + "' is not defined");
  }
  return out;
}

Status MatchmakingService::reload(std::vector<Configuration> configurations) {
  std::lock_guard reload_lock(threads_mu_);
  if (stopping_.load()) return failed_precondition("the matchmaking service is stopping");
  auto fresh = make_lifecycles(std::move(configurations));
  if (!fresh.ok()) return fresh.status();
  std::vector<std::pair<Lifecycle*, Lifecycle*>> handovers;
  {
    std::unique_lock lock(lifecycles_mu_);
    for (const auto& old : lifecycles_) {
      Lifecycle* next = nullptr;
      for (const auto& lc : *fresh) {
        if (lc->configuration().name == old->configuration().name) next = lc.get();
      }
      if (!next) {
        return invalid_argument("a reload cannot remove configuration " +
                                old->configuration().name +
                                " (its tickets would be lost); restart the service instead");
      }
      next->await_handover();
      handovers.emplace_back(old.get(), next);
    }
    // Retired lifecycles stay alive: requests and callbacks may still hold them, and what
    // reaches them goes on to their successor.
    for (auto& old : lifecycles_) retired_.push_back(std::move(old));
    lifecycles_ = std::move(*fresh);
  }
  for (auto& [old, next] : handovers) old->hand_over(next);
  if (options_.run_threads) {
    for (auto& lc : lifecycles_) {
      threads_.emplace_back([this, lc = lc.get()] { run_lifecycle(*lc); });
    }
  }
  return {};
}

MatchmakingService::~MatchmakingService() { stop(); }

void MatchmakingService::stop() {
  std::lock_guard threads_lock(threads_mu_);
  if (stopping_.exchange(true)) return;
  std::vector<Lifecycle*> all = all_lifecycles();
  for (Lifecycle* lc : all) lc->wake();
  housekeeping_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  for (Lifecycle* lc : all) lc->abandon_placements();
  table_.release_all_waiters();
}

std::vector<Lifecycle*> MatchmakingService::all_lifecycles() const {
  std::shared_lock lock(lifecycles_mu_);
  std::vector<Lifecycle*> out;
  // Retired ones first: a successor waits for its predecessor's tickets.
  for (const auto& lc : retired_) out.push_back(lc.get());
  for (const auto& lc : lifecycles_) out.push_back(lc.get());
  return out;
}

Lifecycle* MatchmakingService::lifecycle(std::string_view configuration) const {
  if (configuration.empty()) configuration = options_.default_configuration;
  std::shared_lock lock(lifecycles_mu_);
  for (const auto& lc : lifecycles_) {
    if (lc->configuration().name == configuration) return lc.get();
  }
  return nullptr;
}

const Configuration* MatchmakingService::configuration(std::string_view name) const {
  Lifecycle* lc = lifecycle(name);
  return lc ? &lc->configuration() : nullptr;
}

Status MatchmakingService::recover() {
  if (!store_) return {};
  auto records = store_->list_unfinished_tickets();
  if (!records.ok()) return records.status();
  for (auto& r : *records) {
    Lifecycle* lc = lifecycle(r.configuration);
    auto view = deserialize_state(r.state, lc ? lc->configuration().rules.get() : nullptr);
    if (!lc || !view.ok()) {
      // The configuration was removed (or the state is unreadable): end the ticket so that
      // its player is not left waiting for a matchmaker that will never run.
      r.status = std::string(status_name(TicketStatus::kFailed));
      r.finished = true;
      r.updated_at = clock_.now();
      SAPI_RETURN_IF_ERROR(store_->put_ticket_sync(std::move(r)));
      continue;
    }
    view->ticket_id = r.id;
    view->start_time = r.start_time;
    view->status = TicketStatus::kSearching;
    view->version = 0;
    clear_match(*view);  // the potential match or placement was lost with the process
    on_durable(std::move(*view), *lc, true);
  }
  return {};
}

void MatchmakingService::start(StartRequest request, TicketDone done) {
  Lifecycle* lc = lifecycle(request.configuration);
  if (!lc) return done(invalid_argument("unknown configurationName " + request.configuration));
  request.configuration = lc->configuration().name;
  std::string id = request.ticket_id.value_or(time_ordered_uuid());
  if (!valid_ticket_id(id)) {
    return done(invalid_argument("ticketId: at most 128 characters of [a-zA-Z0-9-.]"));
  }
  if (Status s = check_players(request); !s.ok()) return done(s);
  // Only a caller-chosen id can already exist (a generated UUID cannot): skip the store read.
  auto existing = request.ticket_id ? describe(id) : Result<TicketPtr>(not_found(""));
  if (existing.ok()) {
    if ((*existing)->owner_player_id == request.owner_player_id) return done(*existing);
    return done(Status(Code::kAlreadyExists, "ticketId is already in use"));
  }
  {
    std::lock_guard lock(players_mu_);
    if (!pending_ids_.insert(id).second) {
      return done(Status(Code::kAlreadyExists, "ticketId is already in use"));
    }
  }
  TicketView ticket = new_ticket(request, id, clock_.now());
  ticket.decoded_with = request.rules;
  persist_and_add(std::move(ticket), *lc, std::move(done));
}

void MatchmakingService::persist_and_add(TicketView ticket, Lifecycle& lc, TicketDone done) {
  if (!store_) {
    // The answer is the ticket as stored (QUEUED), whatever the matchmaker did since.
    return done(on_durable(std::move(ticket), lc, false));
  }
  store::TicketRecord record{
      ticket.ticket_id,
      ticket.configuration,
      ticket.owner_player_id,
      "QUEUED",
      false,
      ticket.start_time,
      serialize_state(ticket,
                      ticket.decoded_with ? ticket.decoded_with : lc.configuration().rules.get()),
      ticket.start_time};
  store_->put_ticket(std::move(record), [this, ticket = std::move(ticket), lc = &lc,
                                         done = std::move(done)](Status s) mutable {
    if (!s.ok()) {
      {
        std::lock_guard lock(players_mu_);
        pending_ids_.erase(ticket.ticket_id);
        auto b = active_backfill_.find(ticket.game_session_arn);
        if (ticket.backfill && b != active_backfill_.end() && b->second == ticket.ticket_id) {
          active_backfill_.erase(b);
        }
      }
      done(s);
      return;
    }
    done(on_durable(std::move(ticket), *lc, false));
  });
}

void MatchmakingService::start_backfill(BackfillRequest request, TicketDone done) {
  begin_backfill(std::move(request), std::move(done), true);
}

void MatchmakingService::begin_backfill(BackfillRequest request, TicketDone done,
                                        bool check_existing) {
  Lifecycle* lc = lifecycle(configuration_name(request.configuration));
  if (!lc) return done(invalid_argument("unknown configuration " + request.configuration));
  std::string id = request.ticket_id.value_or(time_ordered_uuid());
  if (!valid_ticket_id(id)) {
    return done(invalid_argument("ticketId: at most 128 characters of [a-zA-Z0-9-.]"));
  }
  const flexmatch::RuleSet& rules = request.rules ? *request.rules : *lc->configuration().rules;
  if (Status s = check_backfill(request, rules); !s.ok()) return done(s);
  if (check_existing && request.ticket_id && describe(id).ok()) {
    return done(Status(Code::kAlreadyExists, "ticketId is already in use"));
  }
  {
    std::lock_guard lock(players_mu_);
    if (active_backfill_.count(request.game_session_arn)) {
      return done(Status(Code::kAlreadyExists,
                         "a backfill ticket is already active for this game session"));
    }
    if (!pending_ids_.insert(id).second) {
      return done(Status(Code::kAlreadyExists, "ticketId is already in use"));
    }
    active_backfill_[request.game_session_arn] = id;
  }
  TicketView t;
  t.ticket_id = id;
  t.configuration = lc->configuration().name;
  t.status = TicketStatus::kQueued;
  t.start_time = clock_.now();
  t.backfill = true;
  t.game_session_arn = request.game_session_arn;
  t.decoded_with = request.rules;
  for (auto& p : request.players) {
    PlayerView v;
    v.player_id = p.id;
    v.team = rules.teams[*p.team].name;
    v.decoded = std::move(p);
    t.players.push_back(std::move(v));
  }
  persist_and_add(std::move(t), *lc, std::move(done));
}

std::optional<std::string> MatchmakingService::active_backfill(
    const std::string& game_session_arn) const {
  std::lock_guard lock(players_mu_);
  auto it = active_backfill_.find(game_session_arn);
  if (it == active_backfill_.end()) return std::nullopt;
  return it->second;
}

TicketPtr MatchmakingService::on_durable(TicketView ticket, Lifecycle& lc, bool restored) {
  ticket.version = 1;
  auto published = std::make_shared<const TicketView>(ticket);
  table_.publish(published);
  std::vector<std::pair<std::string, Lifecycle*>> replaced;
  {
    std::lock_guard lock(players_mu_);
    pending_ids_.erase(ticket.ticket_id);
    if (ticket.backfill) active_backfill_[ticket.game_session_arn] = ticket.ticket_id;
    // A backfill ticket's players are already in a game: their own tickets stay as they are.
    for (size_t i = 0; !ticket.backfill && i < ticket.players.size(); ++i) {
      auto& slot = active_by_player_[ticket.players[i].player_id];
      if (!slot.first.empty() && slot.first != ticket.ticket_id) replaced.push_back(slot);
      slot = {ticket.ticket_id, &lc};
    }
  }
  for (auto& [old_id, old_lc] : replaced) {
    old_lc->cancel(old_id, std::string(kReasonReplaced),
                   "Replaced by ticket " + ticket.ticket_id + " of the same player", true, nullptr);
  }
  if (restored) {
    lc.restore(std::move(ticket));
  } else {
    lc.add(std::move(ticket));
  }
  return published;
}

void MatchmakingService::on_final(const TicketView& ticket) {
  std::lock_guard lock(players_mu_);
  if (ticket.backfill) {
    auto it = active_backfill_.find(ticket.game_session_arn);
    if (it != active_backfill_.end() && it->second == ticket.ticket_id) active_backfill_.erase(it);
    return;
  }
  for (const auto& p : ticket.players) {
    auto it = active_by_player_.find(p.player_id);
    if (it != active_by_player_.end() && it->second.first == ticket.ticket_id) {
      active_by_player_.erase(it);
    }
  }
}

Result<TicketPtr> MatchmakingService::describe(const std::string& ticket_id) const {
  if (TicketPtr t = table_.get(ticket_id)) return t;
  if (!store_) return not_found("no ticket with this id");
  auto record = store_->get_ticket(ticket_id);
  if (!record.ok()) return record.status();
  auto view = deserialize_state(record->state, nullptr);
  if (!view.ok()) return internal_error("stored ticket is unreadable");
  if (view->end_time && *view->end_time + options_.finished_retention <= clock_.now()) {
    return not_found("no ticket with this id");
  }
  view->ticket_id = record->id;
  view->start_time = record->start_time;
  if (auto s = parse_status(record->status)) view->status = *s;
  return TicketPtr(std::make_shared<const TicketView>(std::move(*view)));
}

void MatchmakingService::wait_for_change(const std::string& ticket_id, uint64_t seen_version,
                                         Clock::TimePoint deadline, TicketTable::Waiter done) {
  table_.wait(ticket_id, seen_version, deadline, std::move(done));
}

void MatchmakingService::cancel(const std::string& ticket_id, TicketDone done) {
  auto t = describe(ticket_id);
  if (!t.ok()) return done(t.status());
  if (is_final((*t)->status)) return done(*t);
  Lifecycle* lc = lifecycle((*t)->configuration);
  if (!lc) return done(*t);
  lc->cancel(ticket_id, std::string(kReasonCancelled), "Cancelled by request", false,
             std::move(done));
}

void MatchmakingService::accept(const std::string& ticket_id, std::vector<std::string> player_ids,
                                bool accept, TicketDone done) {
  auto t = describe(ticket_id);
  if (!t.ok()) return done(t.status());
  Lifecycle* lc = lifecycle((*t)->configuration);
  if (!lc) return done(failed_precondition("the ticket's configuration no longer exists"));
  lc->accept(ticket_id, std::move(player_ids), accept, std::move(done));
}

std::optional<int> MatchmakingService::estimated_wait_seconds(
    const std::string& configuration) const {
  Lifecycle* lc = lifecycle(configuration);
  if (!lc || lc->estimated_wait_seconds() < 0) return std::nullopt;
  return lc->estimated_wait_seconds();
}

void MatchmakingService::run_once() {
  Clock::TimePoint now = clock_.now();
  // Retired lifecycles step too, until they have handed their tickets over.
  for (Lifecycle* lc : all_lifecycles()) {
    if (!lc->retired()) lc->step(now, true);
  }
  table_.expire_waiters(now);
}

void MatchmakingService::run_lifecycle(Lifecycle& lc) {
  // Named so that per-thread CPU (top -H, /proc/PID/task, perf --sort tid) shows it.
  pthread_setname_np(pthread_self(), "matchmaking");
  auto last_cycle = clock_.now();
  while (!stopping_.load() && !lc.retired()) {
    auto now = clock_.now();
    bool due = now - last_cycle >= options_.cycle_interval;
    lc.step(now, due);
    if (due) last_cycle = now;
    lc.wait_for_work(options_.cycle_interval);
  }
}

void MatchmakingService::run_housekeeping() {
  pthread_setname_np(pthread_self(), "mm-housekeeping");
  auto last_purge = clock_.now();
  std::unique_lock lock(housekeeping_mu_);
  while (!stopping_.load()) {
    housekeeping_cv_.wait_for(lock, std::chrono::milliseconds(20));
    auto now = clock_.now();
    table_.expire_waiters(now);
    if (store_ && now - last_purge >= std::chrono::seconds(60)) {
      last_purge = now;
      (void)store_->purge_finished_tickets(now - options_.finished_retention, 10000);
    }
  }
}

}  // namespace sapi::matchmaking
