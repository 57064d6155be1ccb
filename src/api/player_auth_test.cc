#include "api/player_auth.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>

#include "api/identity.h"
#include "auth/local_issuer.h"

namespace sapi::api {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kIssuer = "http://127.0.0.1:8080/local";

class PlayerAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("sapi-player-auth-" + std::to_string(::getpid()));
    issuer_ = auth::LocalIssuer::load_or_create(dir_, kIssuer, "local-client").value().release();
  }
  static void TearDownTestSuite() {
    delete issuer_;
    fs::remove_all(dir_);
  }

  std::unique_ptr<PlayerAuth> make_auth(bool trust = false, std::vector<std::string> groups = {}) {
    auth::JwtVerifier::Options options;
    options.policy.issuer = kIssuer;
    options.policy.client_ids = {"local-client"};
    options.policy.required_groups = std::move(groups);
    auto verifier = std::make_unique<auth::JwtVerifier>(
        options, std::make_unique<auth::StaticKeyProvider>(issuer_->key_set()), clock_);
    return std::make_unique<PlayerAuth>(std::move(verifier), trust);
  }

  std::string token_for(const std::string& player, std::vector<std::string> groups = {}) {
    return issuer_->issue(player, 3600s, clock_.now(), groups).value();
  }

  http::Response call(const http::Router& router, http::Request request) {
    http::Response out;
    router.dispatch(request, request.path,
                    http::Responder::from_function([&](http::Response r) { out = std::move(r); }));
    return out;
  }

  http::Request get(std::string path, std::optional<std::string> authorization) {
    http::Request r;
    r.method = http::Method::kGet;
    r.method_name = "GET";
    r.path = r.raw_path = r.target = std::move(path);
    if (authorization) r.headers.push_back({"authorization", *authorization});
    return r;
  }

  static std::string header_of(const http::Response& r, std::string_view name) {
    for (const auto& h : r.headers) {
      if (h.name == name) return h.value;
    }
    return "";
  }

  static inline fs::path dir_;
  static inline auth::LocalIssuer* issuer_ = nullptr;
  ManualClock clock_{std::chrono::system_clock::now()};
};

TEST_F(PlayerAuthTest, AcceptsBareAndBearerTokens) {
  auto auth = make_auth();
  http::Router router;
  add_identity_routes(router, *auth);
  std::string t = token_for("alice");
  for (const std::string& value : {t, "Bearer " + t, "bearer  " + t}) {
    http::Response r = call(router, get("/identity/player", value));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = boost::json::parse(r.body).as_object();
    EXPECT_EQ(body.at("playerId").as_string(), "alice");
    EXPECT_EQ(body.at("tokenUse").as_string(), "id");
    EXPECT_TRUE(body.at("expiresAt").as_string().ends_with("Z"));
    EXPECT_TRUE(body.at("groups").as_array().empty());
  }
}

TEST_F(PlayerAuthTest, MissingOrInvalidTokenIs401BeforeTheHandlerRuns) {
  auto auth = make_auth();
  http::Router router;
  bool ran = false;
  router.add(http::Method::kGet, "/x",
             auth->require_player([&](http::Request&, http::Responder r, const Identity&) {
               ran = true;
               r.send(http::Response::json(200, "{}"));
             }));
  std::string t = token_for("alice");
  std::string tampered = t;
  tampered[t.rfind('.') + 10] = tampered[t.rfind('.') + 10] == 'A' ? 'B' : 'A';
  struct Case {
    std::optional<std::string> header;
    std::string reason;
  };
  for (const Case& c : std::vector<Case>{{std::nullopt, "missing Authorization header"},
                                         {"", "missing bearer token"},
                                         {"Basic dXNlcjpwYXNz", "missing bearer token"},
                                         {"Bearer", "missing bearer token"},
                                         {"abc", "malformed token: not three segments"},
                                         {"Bearer " + tampered, "bad signature"}}) {
    http::Response r = call(router, get("/x", c.header));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(header_of(r, "www-authenticate"), "Bearer");
    auto body = boost::json::parse(r.body).as_object();
    EXPECT_EQ(body.at("error").as_string(), "UNAUTHORIZED");
    EXPECT_EQ(body.at("message").as_string(), c.reason);
    EXPECT_EQ(r.body.find(t.substr(0, 30)), std::string::npos);
  }
  EXPECT_FALSE(ran);
}

TEST_F(PlayerAuthTest, SetsUserAndCallerForTheAccessLog) {
  auto auth = make_auth();
  http::Request request = get("/identity/player", "Bearer " + token_for("carol"));
  auto who = auth->authenticate(request);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(request.user, "carol");
  EXPECT_EQ(request.caller, "carol");
}

TEST_F(PlayerAuthTest, ValidTokenWithoutARequiredGroupIs403) {
  auto auth = make_auth(false, {"players"});
  http::Router router;
  add_identity_routes(router, *auth);
  EXPECT_EQ(call(router, get("/identity/player", token_for("alice"))).status, 403);
  http::Response ok = call(router, get("/identity/player", token_for("alice", {"players"})));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(boost::json::parse(ok.body).at("groups").as_array().size(), 1u);
}

TEST_F(PlayerAuthTest, ActingForAnotherPlayerIsForbiddenUnlessTrusted) {
  Identity alice{"alice", "id", 0, {}};
  auto strict = make_auth(false);
  EXPECT_EQ(strict->acting_player(alice, "").value(), "alice");
  EXPECT_EQ(strict->acting_player(alice, "alice").value(), "alice");
  auto denied = strict->acting_player(alice, "bob");
  ASSERT_FALSE(denied.ok());
  http::Response r = auth_error_response(denied.status());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(boost::json::parse(r.body).at("error").as_string(), "FORBIDDEN");

  auto trusting = make_auth(true);
  EXPECT_TRUE(trusting->trusts_body_player_id());
  EXPECT_EQ(trusting->acting_player(alice, "bob").value(), "bob");
}

TEST_F(PlayerAuthTest, AnUnavailableVerifierIs503WithRetryAfter) {
  http::Response r = auth_error_response(unavailable("JWKS fetch failed"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(boost::json::parse(r.body).at("error").as_string(), "UNAVAILABLE");
  EXPECT_EQ(header_of(r, "retry-after"), "1");
  // A client error is the client's to fix: waiting would not help.
  EXPECT_EQ(header_of(auth_error_response(unauthenticated("expired")), "retry-after"), "");
  EXPECT_EQ(header_of(auth_error_response(permission_denied("no")), "retry-after"), "");
}

TEST_F(PlayerAuthTest, ServesTheLocalIssuerKeys) {
  http::Router router;
  add_local_issuer_routes(router, *issuer_);
  http::Response r = call(router, get("/.well-known/jwks.json", std::nullopt));
  EXPECT_EQ(r.status, 200);
  auto keys = boost::json::parse(r.body).at("keys").as_array();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].at("kid").as_string(), issuer_->kid());
  EXPECT_EQ(keys[0].at("kty").as_string(), "RSA");
  EXPECT_FALSE(keys[0].as_object().contains("d"));  // never the private exponent
}

TEST(BearerToken, ParsesBothForms) {
  EXPECT_EQ(bearer_token("abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(bearer_token("BEARER abc"), "abc");
  EXPECT_EQ(bearer_token("  Bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("Basic abc"), "");
  EXPECT_EQ(bearer_token(""), "");
  EXPECT_EQ(bearer_token("Bearer"), "");
}

}  // namespace
}  // namespace sapi::api
