// The pieces serve() wires together: configuration to module options, and the observers that
// turn server and store events into access-log lines and metrics.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <sstream>
#include <thread>

#include "api/matchmaking_request.h"
#include "app/config_auth.h"
#include "app/config_matchmaking.h"
#include "app/fleet.h"
#include "app/module_options.h"
#include "app/observers.h"
#include "app/routes.h"
#include "matchmaking/service.h"
#include "store/store_test_util.h"

namespace sapi::app {
namespace {

TEST(ModuleOptionsTest, ServerOptionsFollowTheConfiguration) {
  Config c;
  c.server.listen = "[::1]:9090";
  c.server.base_path = "/dev";
  c.server.max_body_bytes = 4096;
  c.server.shutdown_deadline_ms = 1500;
  c.cors.enabled = true;
  c.cors.allowed_origins = {"https://a.example"};
  auto o = http_options(c);
  ASSERT_TRUE(o.ok()) << o.status().to_string();
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->port, 9090);
  EXPECT_EQ(o->base_path, "/dev");
  EXPECT_EQ(o->max_body_bytes, 4096u);
  EXPECT_EQ(o->shutdown_deadline, std::chrono::milliseconds(1500));
  EXPECT_TRUE(o->cors.enabled);
  EXPECT_EQ(o->cors.allowed_origins, c.cors.allowed_origins);
  EXPECT_EQ(json_limits(c).max_bytes, 4096u);
}

TEST(ModuleOptionsTest, StoreAndLogOptionsFollowTheConfiguration) {
  Config c;
  c.data_dir = "/var/lib/session-api";
  c.player_sessions_table_name = "Sessions_dev";
  c.store.group_commit = false;
  c.log_level = "WARN";
  c.log_retention_days = 7;
  store::StoreOptions s = store_options(c);
  EXPECT_EQ(s.data_dir, "/var/lib/session-api");
  EXPECT_EQ(s.player_sessions_table, "Sessions_dev");
  EXPECT_FALSE(s.group_commit);
  obs::LogOptions l = log_options(c);
  EXPECT_EQ(l.level, obs::Level::kWarn);
  EXPECT_EQ(l.retention_days, 7);
}

TEST(RequestObserverTest, OneAccessLineWithApiGatewaysFieldsAndTheMetrics) {
  std::ostringstream out;
  auto log = obs::stream_logger(out);
  obs::Registry registry;
  RequestObserver observer(*log, registry);

  observer.on_connection_opened();
  observer.on_request_started();
  http::AccessRecord r;
  r.request_id = "req-1";
  r.remote_ip = "10.1.2.3";
  r.caller = "AKIAEXAMPLE";
  r.user = "player-1";
  r.request_time = std::chrono::system_clock::from_time_t(1775649600);  // 2026-04-08T12:00:00Z
  r.method = "GET";
  r.resource_path = "/matchmaking/status/t-1";
  r.route = "/matchmaking/status/{ticketId}";
  r.status = 200;
  r.protocol = "HTTP/1.1";
  r.response_length = 42;
  r.latency = std::chrono::microseconds(1500);
  observer.on_access(r);
  observer.on_request_finished();
  log->flush();

  auto line = boost::json::parse(out.str()).as_object();
  EXPECT_EQ(line.at("message").as_string(), "access");
  EXPECT_EQ(line.at("requestId").as_string(), "req-1");
  EXPECT_EQ(line.at("ip").as_string(), "10.1.2.3");
  EXPECT_EQ(line.at("caller").as_string(), "AKIAEXAMPLE");
  EXPECT_EQ(line.at("user").as_string(), "player-1");
  EXPECT_EQ(line.at("requestTime").as_string(), "08/Apr/2026:12:00:00 +0000");
  EXPECT_EQ(line.at("httpMethod").as_string(), "GET");
  EXPECT_EQ(line.at("resourcePath").as_string(), "/matchmaking/status/{ticketId}");
  EXPECT_EQ(line.at("path").as_string(), "/matchmaking/status/t-1");
  EXPECT_EQ(line.at("status").as_int64(), 200);
  EXPECT_EQ(line.at("protocol").as_string(), "HTTP/1.1");
  EXPECT_EQ(line.at("responseLength").to_number<int64_t>(), 42);
  EXPECT_DOUBLE_EQ(line.at("latencyMs").as_double(), 1.5);

  std::string text = registry.render();
  EXPECT_NE(text.find("sapi_http_requests_total{route=\"/matchmaking/status/{ticketId}\","
                      "method=\"GET\",status=\"200\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sapi_http_requests_in_flight 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sapi_http_open_connections 1\n"), std::string::npos) << text;
}

TEST(RequestObserverTest, UnmatchedPathsAndOddMethodsShareSeries) {
  std::ostringstream out;
  auto log = obs::stream_logger(out, obs::Level::kWarn);  // access lines are INFO: none
  obs::Registry registry;
  RequestObserver observer(*log, registry);
  http::AccessRecord r;
  r.status = 404;
  for (const char* path : {"/wp-admin", "/.env", "/x/y"}) {
    r.resource_path = path;
    r.method = "PROPFIND";
    observer.on_access(r);
  }
  std::string text = registry.render();
  EXPECT_NE(text.find("sapi_http_requests_total{route=\"unmatched\",method=\"OTHER\","
                      "status=\"404\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("wp-admin"), std::string::npos);
  EXPECT_EQ(out.str(), "");
}

TEST(StoreMetricsTest, BatchesAndOperationsBecomeHistograms) {
  obs::Registry registry;
  StoreMetrics metrics(registry);
  metrics.on_batch(12, std::chrono::milliseconds(3), true);
  metrics.on_operation("put_summary", std::chrono::milliseconds(4), true);
  metrics.on_operation("put_summary", std::chrono::milliseconds(40), false);
  std::string text = registry.render();
  EXPECT_NE(text.find("sapi_store_batch_writes_bucket{outcome=\"ok\",le=\"16\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sapi_store_batch_writes_sum{outcome=\"ok\"} 12\n"), std::string::npos);
  EXPECT_NE(text.find("sapi_store_operation_duration_seconds_count{operation=\"put_summary\","
                      "outcome=\"error\"} 1\n"),
            std::string::npos)
      << text;
}

// A backfill ticket whose game session ended in the previous run, after the end was stored
// but before the ticket was cancelled, is cancelled at start-up; one whose game session is
// still running keeps searching.
class BackfillAfterRestartTest : public ::testing::Test {
 protected:
  static constexpr char kKey[] = "AKIABACKFILLRESTART1";

  BackfillAfterRestartTest() { config_.data_dir = dir_.path(); }

  // Waits for a WriteDone-style callback.
  template <typename Call>
  static Status durably(Call call) {
    auto done = std::make_shared<std::promise<Status>>();
    call([done](Status s) { done->set_value(s); });
    return done->get_future().get();
  }

  // Places a match of `player` on gs-1 and activates it: a running game session.
  static fleet::GameSession running_session(fleet::Fleet& fleet, const std::string& player) {
    matchmaking::PlacementRequest r;
    r.placement_id = "m-" + player;
    r.configuration = "session-api-dev";
    r.queue = "default";
    r.matchmaker_data = R"({"matchId":"m"})";
    r.players.push_back({player, "t-" + player, "red", {}});
    fleet.place(std::move(r), [](matchmaking::PlacementResult) {});
    std::promise<fleet::GameSession> placed;
    fleet.wait_for_game_session(kKey, "gs-1", Clock::system().now() + std::chrono::seconds(5),
                                [&](Result<std::optional<fleet::GameSession>> g) {
                                  placed.set_value(g.ok() && *g ? **g : fleet::GameSession{});
                                });
    fleet::GameSession g = placed.get_future().get();
    EXPECT_FALSE(g.game_session_id.empty());
    EXPECT_TRUE(durably([&](store::WriteDone d) {
                  auto a = fleet.activate(kKey, g.game_session_id, std::move(d));
                  EXPECT_TRUE(a.ok()) << a.status().to_string();
                }).ok());
    return g;
  }

  static std::string start_backfill(matchmaking::MatchmakingService& service,
                                    const fleet::GameSession& g, const std::string& player) {
    const matchmaking::Configuration* config = service.configuration("");
    auto players = api::decode_backfill_players(
        boost::json::array{boost::json::object{{"playerId", player}, {"team", "red"}}}, *config);
    EXPECT_TRUE(players.ok()) << players.status().to_string();
    matchmaking::BackfillRequest b;
    b.game_session_arn = g.game_session_arn;
    b.players = std::move(*players);
    std::promise<std::string> started;
    service.start_backfill(std::move(b), [&](Result<matchmaking::TicketPtr> t) {
      started.set_value(t.ok() ? (*t)->ticket_id : "");
    });
    std::string id = started.get_future().get();
    EXPECT_FALSE(id.empty());
    return id;
  }

  store::testing::TempDir dir_;
  Config config_;
  std::ostringstream out_;
  std::unique_ptr<obs::Logger> log_ = obs::stream_logger(out_);
};

TEST_F(BackfillAfterRestartTest, TheBackfillOfAGameSessionThatEndedIsCancelledAtStartUp) {
  std::string kept_ticket, orphaned_ticket;
  {
    auto store = store::open_store(store_options(config_)).value();
    obs::Registry registry;
    Services services{config_, *store, registry, *log_, Clock::system(), json_limits(config_)};
    http::Router router;
    auto auth = mount_player_auth(services, router);
    ASSERT_TRUE(auth.ok()) << auth.status().to_string();
    auto fleet = create_fleet(services);
    ASSERT_TRUE(fleet.ok()) << fleet.status().to_string();
    auto service = mount_matchmaking(services, router, **auth, *fleet);
    ASSERT_TRUE(service.ok()) << service.status().to_string();
    // No mount_fleet: an ending game session cancels nothing, as when the process dies
    // between storing the end and cancelling the backfill.
    fleet::GameServerSpec spec;
    spec.game_server_id = "gs-1";
    spec.ip_address = "10.0.0.1";
    spec.port = 7777;
    spec.location = "eu-west-1";
    spec.max_players = 8;
    ASSERT_TRUE(durably([&](store::WriteDone d) {
                  ASSERT_TRUE((*fleet)->register_server(kKey, spec, std::move(d)).ok());
                }).ok());
    fleet::GameSession kept = running_session(**fleet, "ann");
    fleet::GameSession ended = running_session(**fleet, "bob");
    kept_ticket = start_backfill(**service, kept, "ann");
    orphaned_ticket = start_backfill(**service, ended, "bob");
    ASSERT_TRUE(durably([&](store::WriteDone d) {
                  ASSERT_TRUE(
                      (*fleet)->end_game_session(kKey, ended.game_session_id, std::move(d)).ok());
                }).ok());
  }

  auto store = store::open_store(store_options(config_)).value();
  {
    obs::Registry registry;  // a new process's
    Services services{config_, *store, registry, *log_, Clock::system(), json_limits(config_)};
    auto router = build_router(services);
    ASSERT_TRUE(router.ok()) << router.status().to_string();
    auto status_of = [&](const std::string& id) {
      auto t = store->tickets().get_ticket(id);
      return t.ok() ? t->status : t.status().to_string();
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (status_of(orphaned_ticket) != "CANCELLED" &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(status_of(orphaned_ticket), "CANCELLED") << out_.str();
    EXPECT_NE(status_of(kept_ticket), "CANCELLED");
    EXPECT_FALSE(store->tickets().get_ticket(kept_ticket)->finished);
  }
}

}  // namespace
}  // namespace sapi::app
