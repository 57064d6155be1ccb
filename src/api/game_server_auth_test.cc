// Game-server routes over the real router: signed requests reach the handler with the game
// server's identity and the access-log caller set; everything else is 403 FORBIDDEN with
// AWS's reason, before the handler runs.

#include "api/game_server_auth.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/sigv4_signer.h"

namespace sapi::api {
namespace {

constexpr int64_t kNow = 1775649600;

class GameServerAuthTest : public ::testing::Test {
 protected:
  GameServerAuthTest() : clock_(Clock::TimePoint(std::chrono::seconds(kNow))) {
    auth::Credential all;
    all.name = "game-server-1";
    all.access_key_id = "AKIAALLROUTES0000001";
    all.secret_access_key = "secret-all-routes-secret-all-routes-0001";
    all.routes = {"*"};
    credentials_.add(all);
    auth::Credential limited = all;
    limited.name = "summaries-only";
    limited.access_key_id = "AKIASUMMARIESONLY001";
    limited.routes = {"POST /session-summary"};
    credentials_.add(limited);
    auth_ = std::make_unique<GameServerAuth>(std::make_unique<auth::sigv4::Verifier>(
        auth::sigv4::VerifierOptions{}, credentials_, clock_));
    add_game_server_identity_routes(router_, *auth_);
    router_.add(http::Method::kPost, "/session-summary",
                auth_->require_game_server(
                    [this](http::Request&, http::Responder r, const GameServer& who) {
                      handled_by_ = who.name;
                      r.send(http::Response::json(200, "{}"));
                    }));
  }

  // Signs `method path` (base path /dev) as `access_key_id` and runs it through the router.
  http::Response call(std::string method, std::string path, std::string access_key_id,
                      std::string body = "", bool tamper = false) {
    auth::sigv4::OutgoingRequest out;
    out.method = method;
    out.raw_path = "/dev" + path;
    out.headers = {{"host", "api.example.com"}, {"content-type", "application/json"}};
    out.body = body;
    auth::sigv4::SigningParams params;
    params.access_key_id = access_key_id;
    params.secret_access_key = "secret-all-routes-secret-all-routes-0001";
    params.time = kNow;
    auth::sigv4::sign_request(out, params);

    request_.clear();
    request_.method = http::parse_method(method);
    request_.method_name = method;
    request_.raw_path = out.raw_path;
    request_.path = path;
    request_.body = tamper ? body + " " : body;
    for (auto& [n, v] : out.headers) request_.headers.push_back({n, v});
    http::Response response;
    router_.dispatch(request_, path,
                     http::Responder::from_function([&](http::Response r) { response = r; }));
    return response;
  }

  auth::InMemoryCredentials credentials_;
  ManualClock clock_;
  std::unique_ptr<GameServerAuth> auth_;
  http::Router router_;
  http::Request request_;
  std::string handled_by_;
};

TEST_F(GameServerAuthTest, SignedIdentityRequestsAnswerTheCaller) {
  for (std::string method : {"GET", "POST"}) {
    http::Response r = call(method, "/identity/game-server", "AKIAALLROUTES0000001", "{}");
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = boost::json::parse(r.body).as_object();
    EXPECT_EQ(body.at("name").as_string(), "game-server-1");
    EXPECT_EQ(body.at("accessKeyId").as_string(), "AKIAALLROUTES0000001");
    EXPECT_FALSE(body.contains("expiresAt"));
    EXPECT_EQ(request_.caller, "game-server-1/AKIAALLROUTES0000001");
  }
}

TEST_F(GameServerAuthTest, AChangedBodyIsRefusedBeforeTheHandler) {
  http::Response r = call("POST", "/session-summary", "AKIAALLROUTES0000001", "{}", true);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(handled_by_.empty());
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("error").as_string(), "FORBIDDEN");
  EXPECT_TRUE(std::string(body.at("message").as_string()).starts_with("SignatureDoesNotMatch: "));
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers.back().name, "x-amzn-errortype");
  EXPECT_EQ(r.headers.back().value, "SignatureDoesNotMatch");
}

TEST_F(GameServerAuthTest, ACredentialMayCallOnlyItsRoutes) {
  EXPECT_EQ(call("POST", "/session-summary", "AKIASUMMARIESONLY001", "{}").status, 200);
  EXPECT_EQ(handled_by_, "summaries-only");
  http::Response r = call("GET", "/identity/game-server", "AKIASUMMARIESONLY001");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("AccessDeniedException"), std::string::npos);
}

TEST_F(GameServerAuthTest, UnsignedRequestsAreMissingAuthentication) {
  request_.clear();
  request_.method = http::Method::kGet;
  request_.method_name = "GET";
  request_.raw_path = "/dev/identity/game-server";
  request_.path = "/identity/game-server";
  http::Response response;
  router_.dispatch(request_, "/identity/game-server",
                   http::Responder::from_function([&](http::Response r) { response = r; }));
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(response.body.find("MissingAuthenticationToken"), std::string::npos);
}

}  // namespace
}  // namespace sapi::api
