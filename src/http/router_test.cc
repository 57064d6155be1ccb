#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <optional>
#include <stdexcept>

namespace sapi::http {
namespace {

// Runs the router on one request and returns what it answered.
struct Outcome {
  Response response;
  Request request;
};

Outcome run(const Router& router, Method method, std::string_view path) {
  Outcome out;
  out.request.method = method;
  std::optional<Response> answer;
  router.dispatch(out.request, path,
                  Responder::from_function([&](Response r) { answer = std::move(r); }));
  EXPECT_TRUE(answer.has_value());
  if (answer) out.response = std::move(*answer);
  return out;
}

Handler answer_with(std::string body) {
  return [body](Request&, Responder responder) { responder.send(Response::json(200, body)); };
}

std::string error_code_of(const Response& r) {
  return std::string(boost::json::parse(r.body).at("error").as_string());
}

TEST(Router, RoutesLiteralPathsByMethod) {
  Router router;
  router.add(Method::kPost, "/matchmaking/start", answer_with("start"));
  router.add(Method::kGet, "/health/live", answer_with("live"));
  EXPECT_EQ(run(router, Method::kPost, "/matchmaking/start").response.body, "start");
  auto live = run(router, Method::kGet, "/health/live");
  EXPECT_EQ(live.response.body, "live");
  EXPECT_EQ(live.request.route, "/health/live");
}

TEST(Router, CapturesAndDecodesPathParameters) {
  Router router;
  router.add(Method::kGet, "/matchmaking/status/{ticketId}", answer_with("status"));
  auto out = run(router, Method::kGet, "/matchmaking/status/abc%20def");
  EXPECT_EQ(out.response.status, 200);
  EXPECT_EQ(out.request.route, "/matchmaking/status/{ticketId}");
  EXPECT_EQ(out.request.path_param("ticketId"), "abc def");
  EXPECT_FALSE(out.request.path_param("other").has_value());
}

TEST(Router, PrefersALiteralSegmentOverAParameter) {
  Router router;
  router.add(Method::kGet, "/items/{id}", answer_with("param"));
  router.add(Method::kGet, "/items/special", answer_with("literal"));
  router.add(Method::kGet, "/items/{id}/parts/{part}", answer_with("nested"));
  EXPECT_EQ(run(router, Method::kGet, "/items/special").response.body, "literal");
  EXPECT_EQ(run(router, Method::kGet, "/items/other").response.body, "param");
  auto nested = run(router, Method::kGet, "/items/special/parts/7");
  EXPECT_EQ(nested.response.body, "nested");
  EXPECT_EQ(nested.request.path_param("id"), "special");
  EXPECT_EQ(nested.request.path_param("part"), "7");
}

TEST(Router, UnknownPathIs404NotFound) {
  Router router;
  router.add(Method::kGet, "/a/{x}", answer_with("a"));
  for (std::string_view path : {"/b", "/a", "/a/", "/a/x/y", "", "a/x", "/a/%zz"}) {
    auto out = run(router, Method::kGet, path);
    EXPECT_EQ(out.response.status, 404) << path;
    EXPECT_EQ(error_code_of(out.response), "NOT_FOUND") << path;
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.add(Method::kGet, "/x", answer_with("get"));
  router.add(Method::kDelete, "/x", answer_with("delete"));
  auto out = run(router, Method::kPost, "/x");
  EXPECT_EQ(out.response.status, 405);
  EXPECT_EQ(error_code_of(out.response), "METHOD_NOT_ALLOWED");
  ASSERT_EQ(out.response.headers.size(), 1u);
  EXPECT_EQ(out.response.headers[0].name, "Allow");
  EXPECT_EQ(out.response.headers[0].value, "GET, HEAD, DELETE");
  EXPECT_EQ(run(router, Method::kOther, "/x").response.status, 405);
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  router.add(Method::kGet, "/x", answer_with("get"));
  EXPECT_EQ(run(router, Method::kHead, "/x").response.body, "get");
}

TEST(Router, HandlerThatThrowsAnswers500Internal) {
  Router router;
  router.add(Method::kGet, "/boom", [](Request&, Responder) { throw std::runtime_error("x"); });
  auto out = run(router, Method::kGet, "/boom");
  EXPECT_EQ(out.response.status, 500);
  EXPECT_EQ(error_code_of(out.response), "INTERNAL");
}

TEST(Router, HandlerThatDropsItsResponderAnswers500Internal) {
  Router router;
  router.add(Method::kGet, "/drop", [](Request&, Responder) {});
  auto out = run(router, Method::kGet, "/drop");
  EXPECT_EQ(out.response.status, 500);
  EXPECT_EQ(error_code_of(out.response), "INTERNAL");
}

TEST(Responder, AnswersExactlyOnce) {
  int answers = 0;
  {
    Responder r = Responder::from_function([&](Response) { ++answers; });
    EXPECT_TRUE(r.pending());
    r.send(Response::json(200, "{}"));
    EXPECT_FALSE(r.pending());
    r.send(Response::json(200, "{}"));
  }
  EXPECT_EQ(answers, 1);
}

TEST(Responder, MovingKeepsOneAnswer) {
  std::vector<int> statuses;
  {
    Responder a = Responder::from_function([&](Response r) { statuses.push_back(r.status); });
    Responder b = std::move(a);
    EXPECT_FALSE(a.pending());  // NOLINT: checking the moved-from state on purpose
    b.send(Response::json(201, "{}"));
  }
  EXPECT_EQ(statuses, std::vector<int>{201});
}

TEST(Message, JsonErrorEscapes) {
  Response r = json_error(400, "INVALID_REQUEST", "bad \"quote\"\n");
  EXPECT_EQ(r.status, 400);
  auto v = boost::json::parse(r.body);
  EXPECT_EQ(v.at("error").as_string(), "INVALID_REQUEST");
  EXPECT_EQ(v.at("message").as_string(), "bad \"quote\"\n");
}

TEST(Message, QueryParametersAreDecoded) {
  Request r;
  r.query = "a=1&b=x%20y&c&d=p+q&a=2&bad=%zz";
  EXPECT_EQ(r.query_param("a"), "1");
  EXPECT_EQ(r.query_param("b"), "x y");
  EXPECT_EQ(r.query_param("c"), "");
  EXPECT_EQ(r.query_param("d"), "p q");
  EXPECT_FALSE(r.query_param("bad").has_value());
  EXPECT_FALSE(r.query_param("e").has_value());
}

TEST(Message, HeaderLookupIgnoresCase) {
  Request r;
  r.headers.push_back({"x-one", "1"});
  r.headers.push_back({"x-one", "2"});
  EXPECT_EQ(r.header("X-One"), "1");
  EXPECT_FALSE(r.header("x-two").has_value());
}

TEST(Message, PercentDecodeRejectsBrokenEscapes) {
  std::string out;
  EXPECT_TRUE(percent_decode("a%2Fb", out));
  EXPECT_EQ(out, "a/b");
  EXPECT_FALSE(percent_decode("a%2", out));
  EXPECT_FALSE(percent_decode("%", out));
  EXPECT_FALSE(percent_decode("%g0", out));
}

}  // namespace
}  // namespace sapi::http
