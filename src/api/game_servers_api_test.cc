// The game-server routes over the real router with real signatures and a real Fleet on a
// manual clock: the contract's JSON, its error codes, and each server acting for itself only.

#include "api/game_servers_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <memory>

#include "auth/sigv4_signer.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace sapi::api {
namespace {

namespace json = boost::json;

constexpr int64_t kNow = 1775649600;
constexpr char kSecret[] = "secret-fleet-routes-secret-fleet-route1";
constexpr char kMine[] = "AKIAFLEETROUTES00001";
constexpr char kTheirs[] = "AKIAFLEETROUTES00002";

struct Answer {
  int status = 0;
  json::value body;
  std::vector<http::Header> headers;

  std::string header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.name == name) return h.value;
    }
    return "";
  }
};

class GameServersApiTest : public ::testing::Test {
 protected:
  GameServersApiTest() : clock_(Clock::TimePoint(std::chrono::seconds(kNow))) {
    for (const char* key : {kMine, kTheirs}) {
      auth::Credential c;
      c.name = key;
      c.access_key_id = key;
      c.secret_access_key = kSecret;
      c.routes = {"*"};
      credentials_.add(c);
    }
    auth_ = std::make_unique<GameServerAuth>(std::make_unique<auth::sigv4::Verifier>(
        auth::sigv4::VerifierOptions{}, credentials_, clock_));
    use_store(nullptr);
  }

  // Rebuilds the fleet and its routes over `store` (null: nothing durable).
  void use_store(store::FleetStore* store) {
    fleet::FleetOptions options;
    options.run_threads = false;
    router_ = std::make_unique<http::Router>();
    fleet_ = fleet::Fleet::create(options, store, clock_, nullptr).value();
    add_game_server_routes(*router_, *auth_, *fleet_, clock_, {});
  }

  Answer call(std::string method, std::string path, const char* key = kMine,
              std::string body = "") {
    auth::sigv4::OutgoingRequest out;
    out.method = method;
    out.raw_path = path;
    size_t q = path.find('?');
    if (q != std::string::npos) {
      out.raw_path = path.substr(0, q);
      out.query = path.substr(q + 1);
    }
    out.headers = {{"host", "api.example.com"}, {"content-type", "application/json"}};
    out.body = body;
    auth::sigv4::SigningParams params;
    params.access_key_id = key;
    params.secret_access_key = kSecret;
    params.time = kNow;
    auth::sigv4::sign_request(out, params);

    http::Request request;
    request.method = http::parse_method(method);
    request.method_name = method;
    request.raw_path = out.raw_path;
    request.path = out.raw_path;
    request.query = out.query;
    request.body = body;
    for (auto& [n, v] : out.headers) request.headers.push_back({n, v});
    // With a store, the answer comes from one of its threads once the change is durable.
    auto answered = std::make_shared<std::promise<Answer>>();
    router_->dispatch(request, out.raw_path,
                      http::Responder::from_function([answered](http::Response r) {
                        answered->set_value(Answer{r.status, json::parse(r.body), r.headers});
                      }));
    auto future = answered->get_future();
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return Answer{};
    return future.get();
  }

  std::string register_server(const char* key = kMine, std::string id = "gs-1") {
    Answer a = call("POST", "/game-servers", key,
                    R"({"gameServerId":")" + id +
                        R"(","ipAddress":"10.1.2.3","port":7777,"location":"eu-west-1",)"
                        R"("maxPlayers":8,"labels":{"build":"7"}})");
    EXPECT_EQ(a.status, 200) << a.body;
    return id;
  }

  // Places a match of `players` and returns the game session id the server receives.
  std::string place(std::vector<std::string> players) {
    matchmaking::PlacementRequest r;
    r.placement_id = "m-" + players.front();
    r.queue = "default";
    r.game_properties = {{"mode", "duel"}};
    r.matchmaker_data = R"({"matchId":"m"})";
    for (auto& p : players) r.players.push_back({p, "t", "red", {}});
    fleet_->place(std::move(r),
                  [this](matchmaking::PlacementResult result) { results_.push_back(result); });
    Answer a = call("GET", "/game-servers/gs-1/game-session");
    EXPECT_EQ(a.status, 200);
    return std::string(a.body.at("gameSession").at("gameSessionId").as_string());
  }

  auth::InMemoryCredentials credentials_;
  ManualClock clock_;
  std::unique_ptr<GameServerAuth> auth_;
  std::unique_ptr<fleet::Fleet> fleet_;
  std::unique_ptr<http::Router> router_;
  std::vector<matchmaking::PlacementResult> results_;
};

TEST_F(GameServersApiTest, AStoreThatRefusesWritesIs503StorageFailedWithRetryAfter) {
  store::testing::TempDir dir;
  store::StoreOptions options;
  options.data_dir = dir.path();
  auto store = store::open_store(options).value();
  use_store(&store->fleet());
  register_server();
  store->close();

  Answer a = call("POST", "/game-servers", kMine,
                  R"({"gameServerId":"gs-2","ipAddress":"10.1.2.4","port":7777,)"
                  R"("location":"eu-west-1","maxPlayers":8})");
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.body.at("error"), "STORAGE_FAILED");
  EXPECT_EQ(a.header("retry-after"), "1");
  use_store(nullptr);  // the fleet must not outlive the store it writes to
}

TEST_F(GameServersApiTest, RegistrationAnswersTheHeartbeatContract) {
  Answer a = call("POST", "/game-servers", kMine,
                  R"({"ipAddress":"10.1.2.3","port":7777,"location":"eu-west-1","maxPlayers":8})");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body.at("status"), "ACTIVE");
  EXPECT_EQ(a.body.at("heartbeatIntervalSeconds"), 10);
  EXPECT_EQ(a.body.at("heartbeatTimeoutSeconds"), 30);
  EXPECT_TRUE(a.body.at("gameServerId").as_string().starts_with("gsrv-"));
}

TEST_F(GameServersApiTest, MalformedRegistrationsAre400) {
  for (
      const char* body :
      {R"({"port":7777,"location":"eu-west-1","maxPlayers":8})",
       R"({"ipAddress":"10.1.2.3","port":"7777","location":"eu-west-1","maxPlayers":8})",
       R"({"ipAddress":"10.1.2.3","port":7777,"location":"eu-west-1","maxPlayers":0})",
       R"({"ipAddress":"10.1.2.3","port":7777,"location":"eu-west-1","maxPlayers":8,"labels":[1]})",
       "not json"}) {
    Answer a = call("POST", "/game-servers", kMine, body);
    EXPECT_EQ(a.status, 400) << body;
    EXPECT_EQ(a.body.at("error"), "INVALID_REQUEST") << body;
  }
}

TEST_F(GameServersApiTest, AnotherKeysServerIsForbiddenAndAnUnknownOneNotFound) {
  register_server();
  EXPECT_EQ(call("POST", "/game-servers/gs-1/heartbeat", kTheirs, "{}").status, 403);
  EXPECT_EQ(call("DELETE", "/game-servers/gs-1", kTheirs).status, 403);
  Answer unknown = call("POST", "/game-servers/gs-9/heartbeat", kMine, "{}");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body.at("error"), "GAME_SERVER_NOT_FOUND");
  Answer bad = call("POST", "/game-servers/gs-1/heartbeat", kMine, R"({"health":"GREAT"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(
      call("POST", "/game-servers/gs-1/heartbeat", kMine, R"({"playerCount":null,"health":null})")
          .status,
      200)
      << "null optional fields are absent ones";
  Answer beat = call("POST", "/game-servers/gs-1/heartbeat", kMine,
                     R"({"playerCount":3,"health":"UNHEALTHY"})");
  EXPECT_EQ(beat.body.at("health"), "UNHEALTHY");
}

TEST_F(GameServersApiTest, AHeartbeatCountingMorePlayersThanMaxPlayersIs400NamingBoth) {
  register_server();  // maxPlayers 8
  EXPECT_EQ(call("POST", "/game-servers/gs-1/heartbeat", kMine, R"({"playerCount":8})").status,
            200);
  Answer over = call("POST", "/game-servers/gs-1/heartbeat", kMine,
                     R"({"playerCount":9,"health":"UNHEALTHY"})");
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.body.at("error"), "INVALID_REQUEST");
  EXPECT_EQ(over.body.at("message"), "playerCount 9 is more than the server's maxPlayers 8");
  Answer next = call("POST", "/game-servers/gs-1/heartbeat", kMine, "{}");
  EXPECT_EQ(next.body.at("health"), "HEALTHY") << "the refused heartbeat changed nothing";
}

TEST_F(GameServersApiTest, TheLongPollAnswersNullWithoutAGameSession) {
  register_server();
  Answer a = call("GET", "/game-servers/gs-1/game-session?waitSeconds=0");
  ASSERT_EQ(a.status, 200);
  EXPECT_TRUE(a.body.at("gameSession").is_null());
  EXPECT_EQ(call("GET", "/game-servers/gs-1/game-session?waitSeconds=21").status, 400);
}

TEST_F(GameServersApiTest, TheGameSessionObjectFollowsTheContract) {
  register_server();
  std::string id = place({"alice", "bob"});
  Answer a = call("POST", "/game-sessions/" + id + "/activate");
  ASSERT_EQ(a.status, 200);
  const json::object& g = a.body.at("gameSession").as_object();
  EXPECT_EQ(g.at("gameSessionArn").as_string(),
            "arn:aws:gamelift:eu-west-1::gamesession/session-api/" + id);
  EXPECT_EQ(g.at("gameServerId"), "gs-1");
  EXPECT_EQ(g.at("ipAddress"), "10.1.2.3");
  EXPECT_FALSE(g.contains("dnsName"));
  EXPECT_EQ(g.at("port"), 7777);
  EXPECT_EQ(g.at("maximumPlayerSessionCount"), 8);
  EXPECT_EQ(g.at("status"), "ACTIVE");
  EXPECT_EQ(g.at("gameProperties"), json::parse(R"([{"key":"mode","value":"duel"}])"));
  EXPECT_EQ(g.at("matchmakerData"), R"({"matchId":"m"})");
  ASSERT_EQ(g.at("playerSessions").as_array().size(), 2u);
  EXPECT_EQ(g.at("playerSessions").at(0).at("status"), "RESERVED");
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].outcome, matchmaking::PlacementOutcome::kFulfilled);
  EXPECT_EQ(call("POST", "/game-sessions/" + id + "/activate", kTheirs).status, 403);
  EXPECT_EQ(call("GET", "/game-sessions/gsess-unknown").body.at("error"), "GAME_SESSION_NOT_FOUND");
}

TEST_F(GameServersApiTest, PlayerSessionsAreAcceptedOnceThenRefusedWithTheirCode) {
  register_server();
  std::string id = place({"alice"});
  Answer session = call("GET", "/game-sessions/" + id);
  std::string psess(
      session.body.at("gameSession").at("playerSessions").at(0).at("playerSessionId").as_string());
  std::string accept = "/game-sessions/" + id + "/player-sessions/" + psess + "/accept";
  Answer first = call("POST", accept);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(
      first.body.at("playerSession"),
      json::parse(R"({"playerSessionId":")" + psess +
                  R"(","playerId":"alice","status":"ACTIVE","gameSessionId":")" + id + R"("})"));
  Answer second = call("POST", accept);
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.body.at("error"), "PLAYER_SESSION_NOT_RESERVED");
  Answer unknown = call("POST", "/game-sessions/" + id + "/player-sessions/psess-x/accept");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body.at("error"), "PLAYER_SESSION_NOT_FOUND");
  Answer left = call("DELETE", "/game-sessions/" + id + "/player-sessions/" + psess);
  EXPECT_EQ(left.body.at("playerSession").at("status"), "COMPLETED");
  Answer ended = call("POST", "/game-sessions/" + id + "/end");
  EXPECT_EQ(ended.body.at("gameSession").at("status"), "TERMINATED");
  Answer late = call("POST", "/game-sessions/" + id + "/activate");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.body.at("error"), "GAME_SESSION_TERMINATED");
}

TEST_F(GameServersApiTest, DeregisteringTwiceIsNotFound) {
  register_server();
  Answer gone = call("DELETE", "/game-servers/gs-1");
  EXPECT_EQ(gone.body, json::parse(R"({"gameServerId":"gs-1","status":"DEREGISTERED"})"));
  EXPECT_EQ(call("DELETE", "/game-servers/gs-1").status, 404);
}

}  // namespace
}  // namespace sapi::api
