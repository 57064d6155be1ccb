#include "sessions/session_summaries.h"

#include <fmt/format.h>

#include <future>

namespace sapi::sessions {

SessionSummaries::SessionSummaries(store::SessionStore& store, const Clock& clock,
                                   SessionsOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

std::optional<std::string> SessionSummaries::unknown_reward(const SessionSummary& summary) const {
  if (!options_.catalogue) return std::nullopt;
  return options_.catalogue->first_unknown(summary.rewards);
}

void SessionSummaries::record(SessionSummary summary, RecordDone done) {
  if (auto unknown = unknown_reward(summary)) {
    done(invalid_argument(fmt::format("unknown reward id: {}", *unknown)));
    return;
  }
  auto now = clock_.now();
  store::SessionSummaryRecord record;
  record.player_id = summary.player_id;
  record.session_id = summary.session_id;
  record.end_time = summary.end_time;
  record.ended_at = summary.end_time.value_or(now);
  record.rewards = std::move(summary.rewards);
  record.ttl = epoch_seconds(record.ended_at) + int64_t{options_.session_ttl_hours} * 3600;
  record.created_at = now;
  // Called once: the ids move on into the receipt.
  store_.put_summary(
      std::move(record),
      [player = std::move(summary.player_id), session = std::move(summary.session_id),
       done = std::move(done)](Result<store::SummaryOutcome> outcome) mutable {
        if (!outcome.ok()) {
          done(outcome.status());
          return;
        }
        done(SummaryReceipt{std::move(player), std::move(session), outcome->rewards_stored,
                            outcome->ttl, outcome->replayed});
      });
}

Result<SummaryReceipt> SessionSummaries::record_sync(SessionSummary summary) {
  std::promise<Result<SummaryReceipt>> promise;
  auto future = promise.get_future();
  record(std::move(summary),
         [&promise](Result<SummaryReceipt> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<std::vector<store::RewardRecord>> SessionSummaries::rewards(const std::string& player_id) {
  return store_.list_rewards(player_id);
}

Result<store::SessionPage> SessionSummaries::sessions(const std::string& player_id,
                                                      const std::string& cursor, size_t limit) {
  return store_.list_sessions(player_id, epoch_seconds(clock_.now()), cursor, limit);
}

}  // namespace sapi::sessions
