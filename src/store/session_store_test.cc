#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::store {
namespace {

using testing::open_or_die;
using testing::options_in;
using testing::TempDir;
using namespace std::chrono_literals;

constexpr int64_t kNow = 1'775'649'600;  // 2026-04-08T12:00:00Z

Clock::TimePoint at(int64_t epoch_seconds) {
  return Clock::TimePoint(std::chrono::seconds(epoch_seconds));
}

SessionSummaryRecord summary(std::string player, std::string session,
                             std::vector<std::string> rewards, int64_t ended = kNow) {
  SessionSummaryRecord r;
  r.player_id = std::move(player);
  r.session_id = std::move(session);
  r.end_time = at(ended);
  r.ended_at = at(ended);
  r.rewards = std::move(rewards);
  r.ttl = ended + 72 * 3600;
  r.created_at = at(kNow);
  return r;
}

std::vector<std::string> table_names(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
                     &stmt, nullptr);
  std::vector<std::string> names;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return names;
}

TEST(StoreMigrations, FreshDatabaseGetsEveryTableAndReopenKeepsData) {
  TempDir dir;
  auto options = options_in(dir);
  {
    auto store = open_or_die(options);
    ASSERT_TRUE(store->sessions().put_summary_sync(summary("p1", "s1", {"a"})).ok());
  }
  auto tables = table_names(dir.path() + "/session-api.db");
  EXPECT_EQ(tables, (std::vector<std::string>{"PlayerRewards", "PlayerSessions", "game_servers",
                                              "game_sessions", "matchmaking_tickets",
                                              "schema_migrations"}));
  auto store = open_or_die(options);  // migrations already applied: nothing to do
  auto rewards = store->sessions().list_rewards("p1");
  ASSERT_TRUE(rewards.ok());
  ASSERT_EQ(rewards->size(), 1u);
  EXPECT_TRUE(store->ping().ok());
}

TEST(StoreMigrations, TableNamesComeFromOptions) {
  TempDir dir;
  auto options = options_in(dir);
  options.player_sessions_table = "hypermage_dev_player_sessions";
  options.player_rewards_table = "hypermage_dev_player_rewards";
  auto store = open_or_die(options);
  ASSERT_TRUE(store->sessions().put_summary_sync(summary("p1", "s1", {"a"})).ok());
  auto tables = table_names(dir.path() + "/session-api.db");
  EXPECT_NE(std::find(tables.begin(), tables.end(), "hypermage_dev_player_sessions"), tables.end());
  EXPECT_NE(std::find(tables.begin(), tables.end(), "hypermage_dev_player_rewards"), tables.end());
  EXPECT_EQ(std::find(tables.begin(), tables.end(), "PlayerSessions"), tables.end());
}

TEST(StoreMigrations, TableNamesThatAreNotIdentifiersAreRefused) {
  TempDir dir;
  for (std::string bad :
       std::vector<std::string>{"", "1abc", "a-b", "x\"; DROP TABLE y; --", "sqlite_master",
                                "schema_migrations", std::string(64, 'a')}) {
    auto options = options_in(dir);
    options.player_rewards_table = bad;
    auto store = open_store(options);
    ASSERT_FALSE(store.ok()) << bad;
    EXPECT_EQ(store.status().code(), Code::kInvalidArgument) << bad;
  }
  auto options = options_in(dir);
  options.player_rewards_table = "playersessions";  // same table as PlayerSessions for SQLite
  EXPECT_FALSE(open_store(options).ok());
}

TEST(SessionStore, RecordsSummaryAndOneRewardPerDistinctId) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  auto outcome = store->sessions().put_summary_sync(summary(
      "p1", "s1", {"first_objective_complete", "session_complete", "first_objective_complete"}));
  ASSERT_TRUE(outcome.ok()) << outcome.status().to_string();
  EXPECT_EQ(outcome->rewards_stored, 2);
  EXPECT_EQ(outcome->ttl, kNow + 259200);
  EXPECT_FALSE(outcome->replayed);

  auto rewards = store->sessions().list_rewards("p1");
  ASSERT_TRUE(rewards.ok());
  ASSERT_EQ(rewards->size(), 2u);
  EXPECT_EQ((*rewards)[0].reward_id, "first_objective_complete");
  EXPECT_EQ((*rewards)[0].session_id, "s1");
  EXPECT_EQ((*rewards)[0].granted_at, at(kNow));
  EXPECT_EQ((*rewards)[1].reward_id, "session_complete");
  EXPECT_TRUE(store->sessions().list_rewards("someone-else")->empty());
}

TEST(SessionStore, ReplayReturnsTheFirstOutcomeAndChangesNothing) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  auto first = summary("p1", "s1", {"a", "b"});
  ASSERT_TRUE(store->sessions().put_summary_sync(first).ok());

  auto replay = first;
  replay.rewards = {"b", "a", "b"};   // same set, other order
  replay.created_at = at(kNow + 60);  // retried a minute later
  replay.ttl = kNow + 60 + 259200;    // would differ if recomputed
  auto outcome = store->sessions().put_summary_sync(replay);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->replayed);
  EXPECT_EQ(outcome->rewards_stored, 2);
  EXPECT_EQ(outcome->ttl, first.ttl);

  auto rewards = store->sessions().list_rewards("p1");
  ASSERT_EQ(rewards->size(), 2u);
  EXPECT_EQ((*rewards)[0].granted_at, at(kNow));
  EXPECT_EQ((*rewards)[0].last_granted_at, at(kNow));
  auto page = store->sessions().list_sessions("p1", kNow, "", 10);
  ASSERT_EQ(page->sessions.size(), 1u);
  EXPECT_EQ(page->sessions[0].created_at, at(kNow));
}

TEST(SessionStore, DifferentSummaryForTheSameSessionIsAConflict) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  ASSERT_TRUE(store->sessions().put_summary_sync(summary("p1", "s1", {"a"})).ok());

  auto other_rewards = store->sessions().put_summary_sync(summary("p1", "s1", {"a", "b"}));
  ASSERT_FALSE(other_rewards.ok());
  EXPECT_EQ(other_rewards.status().code(), Code::kAlreadyExists);

  auto other_end = store->sessions().put_summary_sync(summary("p1", "s1", {"a"}, kNow - 5));
  EXPECT_EQ(other_end.status().code(), Code::kAlreadyExists);

  EXPECT_EQ(store->sessions().list_rewards("p1")->size(), 1u);  // "b" was not granted
}

TEST(SessionStore, RewardGrantedAgainKeepsItsFirstGrantAndRecordsTheLatest) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  ASSERT_TRUE(store->sessions().put_summary_sync(summary("p1", "s1", {"a"})).ok());
  auto later = summary("p1", "s2", {"a"}, kNow + 3600);
  later.created_at = at(kNow + 3600);
  ASSERT_TRUE(store->sessions().put_summary_sync(later).ok());

  auto rewards = store->sessions().list_rewards("p1");
  ASSERT_EQ(rewards->size(), 1u);
  EXPECT_EQ((*rewards)[0].session_id, "s1");
  EXPECT_EQ((*rewards)[0].granted_at, at(kNow));
  EXPECT_EQ((*rewards)[0].last_session_id, "s2");
  EXPECT_EQ((*rewards)[0].last_granted_at, at(kNow + 3600));
}

TEST(SessionStore, ManyRewardsAreStoredAndRegrantedInPlace) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(fmt::format("reward-{:02}", i));
  auto first = store->sessions().put_summary_sync(summary("p1", "s1", ids));
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->rewards_stored, 40);
  std::vector<std::string> again(ids.begin() + 10, ids.begin() + 30);
  auto later = summary("p1", "s2", again, kNow + 60);
  later.created_at = at(kNow + 60);
  ASSERT_TRUE(store->sessions().put_summary_sync(later).ok());

  auto rewards = store->sessions().list_rewards("p1");
  ASSERT_TRUE(rewards.ok());
  ASSERT_EQ(rewards->size(), 40u);
  for (int i = 0; i < 40; ++i) {
    const auto& r = (*rewards)[i];
    EXPECT_EQ(r.reward_id, ids[i]);
    EXPECT_EQ(r.session_id, "s1");
    bool regranted = i >= 10 && i < 30;
    EXPECT_EQ(r.last_session_id, regranted ? "s2" : "s1") << r.reward_id;
    EXPECT_EQ(r.last_granted_at, at(regranted ? kNow + 60 : kNow)) << r.reward_id;
  }
}

TEST(SessionStore, SessionsAreListedNewestFirstInPages) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->sessions()
                    .put_summary_sync(summary("p1", "s" + std::to_string(i), {}, kNow + i * 60))
                    .ok());
  }
  ASSERT_TRUE(store->sessions().put_summary_sync(summary("p2", "x", {})).ok());

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = store->sessions().list_sessions("p1", kNow, cursor, 2);
    ASSERT_TRUE(page.ok()) << page.status().to_string();
    for (const auto& s : page->sessions) seen.push_back(s.session_id);
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"s4", "s3", "s2", "s1", "s0"}));
  EXPECT_EQ(pages, 3);
}

TEST(SessionStore, ExpiredSessionsAreNeverListedAndTheSweepDeletesThemInBatches) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  for (int i = 0; i < 5; ++i) {
    auto r = summary("p1", "old" + std::to_string(i), {"a"}, kNow - 100 * 3600);
    ASSERT_TRUE(store->sessions().put_summary_sync(r).ok());
  }
  ASSERT_TRUE(store->sessions().put_summary_sync(summary("p1", "fresh", {"a"})).ok());

  auto page = store->sessions().list_sessions("p1", kNow, "", 100);
  ASSERT_EQ(page->sessions.size(), 1u);  // not yet deleted, already invisible
  EXPECT_EQ(page->sessions[0].session_id, "fresh");

  EXPECT_EQ(*store->sessions().sweep_expired_sessions(kNow, 2), 2);
  EXPECT_EQ(*store->sessions().sweep_expired_sessions(kNow, 2), 2);
  EXPECT_EQ(*store->sessions().sweep_expired_sessions(kNow, 2), 1);
  EXPECT_EQ(*store->sessions().sweep_expired_sessions(kNow, 2), 0);
  EXPECT_EQ(store->sessions().list_sessions("p1", 0, "", 100)->sessions.size(), 1u);
  EXPECT_EQ(store->sessions().list_rewards("p1")->size(), 1u);  // rewards never expire
}

TEST(SessionStore, MalformedCursorIsAnInvalidArgument) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  for (std::string bad : {"zz", "abc", "3132", "3a3a"}) {
    auto page = store->sessions().list_sessions("p1", kNow, bad, 10);
    ASSERT_FALSE(page.ok()) << bad;
    EXPECT_EQ(page.status().code(), Code::kInvalidArgument);
  }
  EXPECT_EQ(store->sessions().list_sessions("p1", kNow, "", 0).status().code(),
            Code::kInvalidArgument);
}

TEST(TicketStore, TicketsSurviveReopenAndFinishedOnesArePurged) {
  TempDir dir;
  auto options = options_in(dir);
  {
    auto store = open_or_die(options);
    auto& tickets = store->tickets();
    ASSERT_TRUE(tickets
                    .put_ticket_sync({"t1", "default", "p1", "SEARCHING", false, at(kNow + 2),
                                      std::string("\0state", 6), at(kNow + 2)})
                    .ok());
    ASSERT_TRUE(tickets
                    .put_ticket_sync(
                        {"t2", "default", "p2", "QUEUED", false, at(kNow + 1), "{}", at(kNow + 1)})
                    .ok());
    ASSERT_TRUE(
        tickets
            .put_ticket_sync({"t3", "default", "p3", "COMPLETED", true, at(kNow), "{}", at(kNow)})
            .ok());
  }
  auto store = open_or_die(options);
  auto& tickets = store->tickets();
  auto unfinished = tickets.list_unfinished_tickets();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 2u);
  EXPECT_EQ((*unfinished)[0].id, "t2");  // oldest start first
  EXPECT_EQ((*unfinished)[1].state, std::string("\0state", 6));
  EXPECT_EQ(tickets.get_ticket("t3")->status, "COMPLETED");
  EXPECT_EQ(tickets.get_ticket("nope").status().code(), Code::kNotFound);

  // t1 finishes later; only t3 is old enough to purge.
  ASSERT_TRUE(tickets
                  .put_ticket_sync({"t1", "default", "p1", "CANCELLED", true, at(kNow + 2), "{}",
                                    at(kNow + 7200)})
                  .ok());
  EXPECT_EQ(tickets.get_ticket("t1")->status, "CANCELLED");
  EXPECT_EQ(tickets.get_ticket("t1")->state, "{}");
  EXPECT_EQ(*tickets.purge_finished_tickets(at(kNow + 3600), 100), 1);
  EXPECT_EQ(tickets.get_ticket("t3").status().code(), Code::kNotFound);
  EXPECT_TRUE(tickets.get_ticket("t1").ok());
  EXPECT_EQ(tickets.list_unfinished_tickets()->size(), 1u);
}

TEST(FleetStore, GameServersAndSessionsRoundTrip) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  auto& fleet = store->fleet();
  std::promise<Status> put, put_session, removed;
  fleet.put_game_server({"gs1", "{\"port\":7777}", at(kNow)}, [&](Status s) { put.set_value(s); });
  fleet.put_game_session({"sess1", "gs1", "ACTIVE", false, "{}", at(kNow)},
                         [&](Status s) { put_session.set_value(s); });
  ASSERT_TRUE(put.get_future().get().ok());
  ASSERT_TRUE(put_session.get_future().get().ok());
  EXPECT_EQ(fleet.list_game_servers()->at(0).state, "{\"port\":7777}");
  EXPECT_EQ(fleet.list_active_game_sessions()->at(0).game_server_id, "gs1");
  fleet.remove_game_server("gs1", [&](Status s) { removed.set_value(s); });
  ASSERT_TRUE(removed.get_future().get().ok());
  EXPECT_TRUE(fleet.list_game_servers()->empty());
}

TEST(FleetStore, PurgesOnlyFinishedGameSessionsOlderThanTheCutoff) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  auto& fleet = store->fleet();
  std::promise<Status> old_finished, new_finished, active;
  fleet.put_game_session({"old", "gs1", "TERMINATED", true, "{}", at(kNow)},
                         [&](Status s) { old_finished.set_value(s); });
  fleet.put_game_session({"new", "gs1", "TERMINATED", true, "{}", at(kNow + 7200)},
                         [&](Status s) { new_finished.set_value(s); });
  fleet.put_game_session({"live", "gs1", "ACTIVE", false, "{}", at(kNow)},
                         [&](Status s) { active.set_value(s); });
  ASSERT_TRUE(old_finished.get_future().get().ok());
  ASSERT_TRUE(new_finished.get_future().get().ok());
  ASSERT_TRUE(active.get_future().get().ok());
  EXPECT_EQ(*fleet.purge_finished_game_sessions(at(kNow + 3600), 100), 1);
  EXPECT_EQ(*fleet.purge_finished_game_sessions(at(kNow + 3600), 100), 0);
  EXPECT_EQ(fleet.list_active_game_sessions()->size(), 1u);
}

TEST(Store, WritesAfterCloseAreRefused) {
  TempDir dir;
  auto store = open_or_die(options_in(dir));
  store->close();
  EXPECT_FALSE(store->ping().ok());
  auto outcome = store->sessions().put_summary_sync(summary("p1", "s1", {}));
  EXPECT_EQ(outcome.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace sapi::store
