#include "matchmaking/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

#include "matchmaking/event_format.h"
#include "matchmaking/ids.h"

namespace sapi::matchmaking {
namespace {

flexmatch::Ticket to_engine_ticket(const TicketView& t) {
  flexmatch::Ticket e;
  e.id = t.ticket_id;
  e.submitted = t.start_time;
  e.backfill = t.backfill;
  for (const auto& p : t.players) {
    e.players.push_back(p.decoded);
    e.players.back().id = p.player_id;
  }
  return e;
}

bool all_accepted(const TicketView& t) {
  return std::all_of(t.players.begin(), t.players.end(),
                     [](const PlayerView& p) { return p.accepted.value_or(false); });
}

}  // namespace

Lifecycle::Lifecycle(Configuration config, LifecycleOptions options, TicketTable& table,
                     store::TicketStore* store, EventBus& events, LifecycleHooks hooks)
    : config_(std::move(config)),
      options_(std::move(options)),
      table_(table),
      store_(store),
      events_(events),
      hooks_(std::move(hooks)) {
  flexmatch::MatchmakerOptions mo;
  mo.seed = std::random_device{}();
  mo.match_id_prefix = random_uuid().substr(0, 8) + "-";
  matchmaker_ = flexmatch::Matchmaker::create(*config_.rules, mo);
  event_source_ = event_source(config_, options_.region, options_.account);
}

Lifecycle::~Lifecycle() = default;

void Lifecycle::push(Command c) {
  Lifecycle* next = nullptr;
  bool first = false;
  {
    std::lock_guard lock(mu_);
    if (successor_) {
      next = successor_;
    } else {
      queue_.push_back(std::move(c));
      first = queue_.size() == 1;
    }
  }
  if (next) return next->push(std::move(c));
  // A queue that was not empty has had its wake-up already, and step() takes the whole queue:
  // a batch of starts from one group commit wakes the thread once, not once per ticket.
  if (first) cv_.notify_one();
}

void Lifecycle::hand_over(Lifecycle* successor) { push(HandOver{successor}); }

void Lifecycle::add(TicketView ticket) { push(Add{std::move(ticket), false}); }
void Lifecycle::restore(TicketView ticket) { push(Add{std::move(ticket), true}); }

void Lifecycle::cancel(std::string ticket_id, std::string reason, std::string message, bool force,
                       CancelDone done) {
  push(Cancel{std::move(ticket_id), std::move(reason), std::move(message), force, std::move(done)});
}

void Lifecycle::accept(std::string ticket_id, std::vector<std::string> player_ids, bool accept,
                       AcceptDone done) {
  push(Accept{std::move(ticket_id), std::move(player_ids), accept, std::move(done)});
}

void Lifecycle::wait_for_work(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty() && !awaiting_handover_; });
}

void Lifecycle::wake() { cv_.notify_one(); }

// The applied commands' vector and the queue trade places at every step, each keeping its
// capacity, so that a steady flow of starts does not grow (and copy) a new queue each time;
// one that a burst made large is let go.
void Lifecycle::recycle(std::vector<Command>& commands) {
  constexpr size_t kKeptCapacity = 4096;
  if (commands.capacity() > kKeptCapacity) {
    std::vector<Command>().swap(commands);
  } else {
    commands.clear();
  }
}

bool Lifecycle::step(Clock::TimePoint now, bool cycle_due) {
  std::vector<Command>& commands = taken_;
  {
    std::lock_guard lock(mu_);
    if (awaiting_handover_) return false;  // the predecessor's tickets come first
    commands.swap(queue_);
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    if (auto* h = std::get_if<HandOver>(&commands[i])) {
      Lifecycle* successor = h->successor;
      std::vector<Command> pending;
      for (size_t j = i + 1; j < commands.size(); ++j) pending.push_back(std::move(commands[j]));
      {
        std::lock_guard lock(mu_);
        successor_ = successor;  // from now on, push() forwards
        for (auto& c : queue_) pending.push_back(std::move(c));
        queue_.clear();
      }
      // New tickets still on their way were decoded against this rule set: take them in
      // first, so that they are read anew like the others.
      std::vector<Command> rest;
      for (auto& c : pending) {
        if (auto* add = std::get_if<Add>(&c)) {
          apply(*add, now);
        } else {
          rest.push_back(std::move(c));
        }
      }
      std::vector<Command> batch = take_tickets(successor, now);
      for (auto& c : rest) batch.push_back(std::move(c));
      retired_.store(true);
      successor->receive(std::move(batch));
      recycle(commands);
      return true;
    }
    std::visit([&](auto& cmd) { apply(cmd, now); }, commands[i]);
  }
  expire(now);
  bool cycled = false;
  if ((pool_changed_ || cycle_due) && matchmaker_->waiting() > 0) {
    pool_changed_ = false;
    auto result = matchmaker_->run_cycle(now);
    for (auto& m : result.matches) on_match(m, now);
    // Once per cycle rather than per matched ticket: a busy cycle matches hundreds.
    update_estimate();
    cycled = true;
  }
  purge(now);
  bool worked = cycled || !commands.empty();
  recycle(commands);
  return worked;
}

void Lifecycle::commit(TicketView& t, Clock::TimePoint now) {
  ++t.version;
  table_.publish(std::make_shared<const TicketView>(t));
  // SEARCHING is what recovery makes of any unfinished record, so writing it adds nothing.
  if (!store_ || t.status == TicketStatus::kSearching) return;
  store::TicketRecord r{t.ticket_id,
                        t.configuration,
                        t.owner_player_id,
                        std::string(status_name(t.status)),
                        is_final(t.status),
                        t.start_time,
                        serialize_state(t, config_.rules.get()),
                        now};
  store_->put_ticket(std::move(r), [](Status) {
    // A later write of the same ticket supersedes this one; a lost transition only means the
    // ticket resumes SEARCHING after a restart, which recovery handles.
  });
}

void Lifecycle::apply(Add& c, Clock::TimePoint now) {
  TicketView& incoming = c.ticket;
  if (tickets_.find(incoming.ticket_id)) return;  // already known: the first one wins
  // Decoded before a reload of this configuration: read anew before it is indexed, since an
  // indexed ticket keeps its id where it is.
  std::optional<Status> unreadable;
  if (!is_final(incoming.status) && incoming.decoded_with &&
      incoming.decoded_with != config_.rules.get()) {
    auto view = reread(incoming, *incoming.decoded_with, *config_.rules);
    if (view.ok()) {
      incoming = std::move(*view);
    } else {
      unreadable = view.status();
    }
  }
  TicketView& t = *tickets_.insert(std::move(incoming)).first;
  if (is_final(t.status)) {  // handed over by a reloaded configuration: only to purge it
    finished_.emplace_back(t.end_time.value_or(now), t.ticket_id);
    return;
  }
  active_count_.fetch_add(1, std::memory_order_relaxed);
  if (unreadable) {
    finish(t, TicketStatus::kFailed, kReasonUnmatchable,
           "The matchmaking configuration changed: " + unreadable->message(), now);
    return;
  }
  t.decoded_with = nullptr;
  clear_match(t);
  start_searching(t, now, true);
  timeouts_.emplace(t.start_time + std::chrono::seconds(config_.request_timeout_seconds),
                    t.ticket_id);
}

Result<TicketView> Lifecycle::reread(const TicketView& t, const flexmatch::RuleSet& from,
                                     const flexmatch::RuleSet& to) {
  auto view = deserialize_state(serialize_state(t, &from), &to);
  if (!view.ok()) return view.status();
  view->ticket_id = t.ticket_id;
  view->start_time = t.start_time;  // the stored form keeps milliseconds only
  view->version = t.version;
  view->end_time.reset();
  clear_match(*view);
  return view;
}

void Lifecycle::await_handover() {
  std::lock_guard lock(mu_);
  awaiting_handover_ = true;
}

void Lifecycle::receive(std::vector<Command> batch) {
  {
    std::lock_guard lock(mu_);
    for (auto& c : queue_) batch.push_back(std::move(c));
    queue_ = std::move(batch);
    awaiting_handover_ = false;
  }
  cv_.notify_one();
}

std::vector<Lifecycle::Command> Lifecycle::take_tickets(Lifecycle* successor,
                                                        Clock::TimePoint now) {
  abandon_placements();
  const flexmatch::RuleSet& next_rules = *successor->configuration().rules;
  std::vector<TicketView> moving;
  tickets_.drain([&](TicketView& t) {
    if (is_final(t.status)) {
      moving.push_back(std::move(t));
      return;
    }
    auto view = reread(t, *config_.rules, next_rules);
    if (view.ok()) {
      moving.push_back(std::move(*view));
      return;
    }
    if (t.status == TicketStatus::kSearching) matchmaker_->cancel(t.ticket_id);
    finish(t, TicketStatus::kFailed, kReasonUnmatchable,
           "The matchmaking configuration changed: " + view.status().message(), now);
    moving.push_back(std::move(t));
  });
  proposals_.clear();
  timeouts_ = {};
  finished_.clear();
  active_count_.store(0, std::memory_order_relaxed);
  std::vector<Command> batch;
  for (auto& t : moving) batch.push_back(Add{std::move(t), true});
  return batch;
}

void Lifecycle::start_searching(TicketView& t, Clock::TimePoint now, bool emit_event,
                                std::string_view reason, std::string message) {
  t.status = TicketStatus::kSearching;
  t.status_reason = std::string(reason);
  t.status_message = std::move(message);
  Status added = matchmaker_->add(to_engine_ticket(t));
  if (!added.ok()) {
    finish(t, TicketStatus::kFailed, kReasonUnmatchable, added.message(), now);
    return;
  }
  if (auto why = matchmaker_->unmatchable_reason(t.ticket_id)) {
    matchmaker_->cancel(t.ticket_id);
    finish(t, TicketStatus::kFailed, kReasonUnmatchable, *why, now);
    return;
  }
  pool_changed_ = true;
  commit(t, now);
  if (emit_event) {
    EventDetail detail;
    int est = estimated_wait_seconds();
    if (est >= 0) detail.estimated_wait_millis = int64_t{est} * 1000;
    emit("MatchmakingSearching", {&t}, std::move(detail), now);
  }
}

void Lifecycle::finish(TicketView& t, TicketStatus status, std::string_view reason,
                       std::string message, Clock::TimePoint now) {
  t.status = status;
  t.status_reason = std::string(reason);
  t.status_message = std::move(message);
  t.end_time = now;
  active_count_.fetch_sub(1, std::memory_order_relaxed);
  finished_.emplace_back(now, t.ticket_id);
  commit(t, now);
  if (status != TicketStatus::kCompleted) {
    std::string_view type = "MatchmakingCancelled";
    if (status == TicketStatus::kTimedOut) type = "MatchmakingTimedOut";
    if (status == TicketStatus::kFailed) type = "MatchmakingFailed";
    EventDetail detail;
    detail.reason = t.status_reason;
    detail.message = t.status_message;
    emit(type, {&t}, std::move(detail), now);
  }
  if (hooks_.on_final) hooks_.on_final(t);
}

void Lifecycle::apply(Cancel& c, Clock::TimePoint now) {
  TicketView* found = tickets_.find(c.id);
  if (!found) {
    if (c.done) c.done(not_found("no ticket with this id"));
    return;
  }
  TicketView& t = *found;
  if (t.status == TicketStatus::kPlacing && !c.force) {
    if (c.done) c.done(failed_precondition("the ticket is being placed"));
    return;
  }
  if (!is_final(t.status)) {
    std::string match_id = t.match_id;
    bool placing = t.status == TicketStatus::kPlacing;
    if (t.status == TicketStatus::kSearching) matchmaker_->cancel(t.ticket_id);
    finish(t, TicketStatus::kCancelled, c.reason, c.message, now);
    // A ticket that leaves a potential match rejects it for the others.
    if (proposals_.count(match_id)) resolve(match_id, "Rejected", now);
    if (placing) abandon_placement(match_id, now);
  }
  if (c.done) c.done(table_.get(c.id));
}

void Lifecycle::apply(Accept& c, Clock::TimePoint now) {
  TicketView* found = tickets_.find(c.id);
  if (!found) {
    if (c.done) c.done(not_found("no ticket with this id"));
    return;
  }
  TicketView& t = *found;
  if (t.status != TicketStatus::kRequiresAcceptance) {
    if (c.done)
      c.done(failed_precondition(
          fmt::format("the ticket is {}, not REQUIRES_ACCEPTANCE", status_name(t.status))));
    return;
  }
  for (const auto& id : c.players) {
    if (!t.has_player(id)) {
      if (c.done) c.done(invalid_argument("player " + id + " is not on this ticket"));
      return;
    }
  }
  for (auto& p : t.players) {
    if (std::find(c.players.begin(), c.players.end(), p.player_id) != c.players.end()) {
      p.accepted = c.accept;
    }
  }
  std::string match_id = t.match_id;
  commit(t, now);
  emit("AcceptMatch", {&t}, EventDetail{.match_id = match_id}, now);
  if (!c.accept) {
    resolve(match_id, "Rejected", now);
  } else {
    const Proposal& p = proposals_.at(match_id);
    bool everyone =
        std::all_of(p.ticket_ids.begin(), p.ticket_ids.end(),
                    [&](const std::string& id) { return all_accepted(tickets_.at(id)); });
    if (everyone) resolve(match_id, "Accepted", now);
  }
  if (c.done) c.done(table_.get(c.id));
}

void Lifecycle::on_match(flexmatch::Match& m, Clock::TimePoint now) {
  std::vector<const TicketView*> members;
  std::vector<std::string> ids;
  // STANDALONE has no game session to reserve player sessions on: the ids are made here.
  bool standalone = config_.flex_match_mode == FlexMatchMode::kStandalone;
  for (size_t i = 0; i < m.tickets.size(); ++i) {
    TicketView& t = tickets_.at(m.tickets[i].id);
    t.match_id = m.match_id;
    for (auto& p : t.players) {
      int team = t.backfill && p.decoded.team ? *p.decoded.team : m.ticket_teams[i];
      p.team = config_.rules->teams.at(team).name;
      if (standalone && !t.backfill) p.player_session_id = "psess-" + random_uuid();
    }
    if (!t.backfill) record_wait(std::chrono::duration<double>(now - t.start_time).count());
    members.push_back(&t);
    ids.push_back(t.ticket_id);
  }
  EventDetail detail = potential_match_detail(config_, m.match_id, matchmaker_->rule_metrics());
  if (!config_.acceptance_required) {
    emit("PotentialMatchCreated", members, std::move(detail), now);
    matched(m.match_id, ids, now);
    return;
  }
  Proposal proposal{m.match_id, {}, now + std::chrono::seconds(config_.acceptance_timeout_seconds)};
  for (const auto* t : members) {
    TicketView& mt = tickets_.at(t->ticket_id);
    mt.status = TicketStatus::kRequiresAcceptance;
    for (auto& p : mt.players) p.accepted = false;
    commit(mt, now);
    proposal.ticket_ids.push_back(mt.ticket_id);
  }
  emit("PotentialMatchCreated", members, std::move(detail), now);
  timeouts_.emplace(proposal.deadline, "match:" + m.match_id);
  proposals_[m.match_id] = std::move(proposal);
}

void Lifecycle::matched(const std::string& match_id, const std::vector<std::string>& ticket_ids,
                        Clock::TimePoint now) {
  if (config_.flex_match_mode == FlexMatchMode::kWithQueue) return place(match_id, ticket_ids, now);
  std::vector<const TicketView*> members;
  for (const auto& id : ticket_ids) {
    TicketView& t = tickets_.at(id);
    finish(t, TicketStatus::kCompleted, "", "", now);
    members.push_back(&t);
  }
  emit("MatchmakingSucceeded", members, succeeded_detail(match_id, members, nullptr), now);
}

void Lifecycle::resolve(const std::string& match_id, std::string_view outcome,
                        Clock::TimePoint now) {
  auto it = proposals_.find(match_id);
  if (it == proposals_.end()) return;
  Proposal p = std::move(it->second);
  proposals_.erase(it);
  std::vector<const TicketView*> members;
  for (const auto& id : p.ticket_ids) members.push_back(&tickets_.at(id));
  emit("AcceptMatchCompleted", members, EventDetail{.match_id = match_id, .acceptance = outcome},
       now);
  if (outcome == "Accepted") return matched(match_id, p.ticket_ids, now);
  std::string_view reason =
      outcome == "TimedOut" ? kReasonAcceptanceTimedOut : kReasonAcceptanceRejected;
  for (const auto& id : p.ticket_ids) {
    TicketView& t = tickets_.at(id);
    if (is_final(t.status)) continue;  // the ticket whose cancellation rejected the match
    if (all_accepted(t)) {
      clear_match(t);
      start_searching(t, now, true);
    } else {
      finish(t, TicketStatus::kCancelled, reason,
             outcome == "TimedOut" ? "Not every player accepted the match in time"
                                   : "A player rejected the match",
             now);
    }
  }
}

void Lifecycle::expire(Clock::TimePoint now) {
  while (!timeouts_.empty() && timeouts_.top().first <= now) {
    std::string id = timeouts_.top().second;
    timeouts_.pop();
    if (id.rfind("match:", 0) == 0) {
      resolve(id.substr(6), "TimedOut", now);
      continue;
    }
    TicketView* found = tickets_.find(id);
    if (!found) continue;
    TicketView& t = *found;
    // A ticket in a potential match waits for the acceptance outcome; its request time-out
    // is checked again when it comes back.
    // So does a ticket being placed: the queue's placement time-out applies then, and a
    // ticket that comes back from a timed-out placement late ends at once.
    if (t.status == TicketStatus::kRequiresAcceptance || t.status == TicketStatus::kPlacing) {
      timeouts_.emplace(now + std::chrono::seconds(1), id);
      continue;
    }
    if (is_final(t.status)) continue;
    if (t.status == TicketStatus::kSearching) matchmaker_->cancel(id);
    finish(t, TicketStatus::kTimedOut, kReasonRequestTimedOut,
           fmt::format("No match within the request time-out of {} s",
                       config_.request_timeout_seconds),
           now);
  }
}

void Lifecycle::purge(Clock::TimePoint now) {
  while (!finished_.empty() && finished_.front().first + options_.finished_retention <= now) {
    std::string id = std::move(finished_.front().second);
    finished_.pop_front();
    TicketView* t = tickets_.find(id);
    if (t && is_final(t->status)) {
      tickets_.erase(id);
      table_.erase(id);
    }
  }
}

void Lifecycle::record_wait(double seconds) {
  waits_.push_back(seconds);
  while (waits_.size() > options_.wait_time_samples) waits_.pop_front();
  waits_changed_ = true;
}

void Lifecycle::update_estimate() {
  if (!waits_changed_) return;
  waits_changed_ = false;
  std::vector<double> sorted(waits_.begin(), waits_.end());
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  estimate_.store(static_cast<int>(std::ceil(sorted[sorted.size() / 2])),
                  std::memory_order_relaxed);
}

void Lifecycle::emit(std::string_view type, const std::vector<const TicketView*>& tickets,
                     EventDetail detail, Clock::TimePoint now) {
  // An event nobody wants (no webhook for this configuration, no event stream of its players)
  // is not built at all.
  std::vector<std::string_view> players;
  for (const TicketView* t : tickets) {
    for (const auto& p : t->players) players.push_back(p.player_id);
  }
  if (!events_.wants(config_.name, players)) return;
  events_.publish(make_event(event_source_, type, tickets, std::move(detail), now));
}

}  // namespace sapi::matchmaking
