#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "http/server_fixture.h"

namespace sapi::http {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::get;

std::string json_field(const std::string& body, const char* key) {
  return std::string(boost::json::parse(body).at(key).as_string());
}

class HttpServer : public testing::ServerTest {
 protected:
  void SetUp() override {
    router_.add(Method::kGet, "/items/{id}", [](Request& req, Responder r) {
      boost::json::object o;
      o["id"] = *req.path_param("id");
      o["path"] = req.path;
      o["raw_path"] = req.raw_path;
      o["q"] = req.query_param("q").value_or("");
      req.caller = "caller-1";
      req.user = "player-1";
      r.send(Response::json(200, boost::json::serialize(o)));
    });
    router_.add(Method::kPost, "/upload", [](Request& req, Responder r) {
      r.send(Response::json(200, "{\"size\":" + std::to_string(req.body.size()) + "}"));
    });
    router_.add(Method::kGet, "/later", [](Request&, Responder r) {
      std::thread([r = std::move(r)]() mutable {
        std::this_thread::sleep_for(50ms);
        r.send(Response::json(200, R"({"later":true})"));
      }).detach();
    });
    router_.add(Method::kGet, "/throw",
                [](Request&, Responder) { throw std::runtime_error("handler failed"); });
    router_.add(Method::kGet, "/never", [](Request&, Responder) {});
  }
};

TEST_F(HttpServer, KeepsTheConnectionAliveBetweenRequests) {
  start();
  Client c(port_);
  for (int i = 0; i < 3; ++i) {
    auto r = c.request(get("/items/" + std::to_string(i)));
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(json_field(r->body, "id"), std::to_string(i));
    EXPECT_FALSE(r->has_header("connection"));
  }
  EXPECT_EQ(observer_.open.load(), 1);
}

TEST_F(HttpServer, AnswersPipelinedRequestsInOrder) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send(get("/items/1") + get("/later") + get("/items/2") + get("/nowhere") +
                     get("/items/3")));
  std::vector<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    seen.push_back(r->status == 404 ? "404" : r->body);
  }
  EXPECT_EQ(json_field(seen[0], "id"), "1");
  EXPECT_EQ(seen[1], R"({"later":true})");
  EXPECT_EQ(json_field(seen[2], "id"), "2");
  EXPECT_EQ(seen[3], "404");
  EXPECT_EQ(json_field(seen[4], "id"), "3");
}

TEST_F(HttpServer, RejectsAnOversizedHeaderBlockWith431) {
  start();
  Client c(port_);
  auto r = c.request(get("/items/1", "X-Big: " + std::string(9000, 'a') + "\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(json_field(r->body, "error"), "REQUEST_HEADER_FIELDS_TOO_LARGE");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(HttpServer, RejectsAnOversizedBodyFromContentLengthBeforeItArrives) {
  start();
  Client c(port_);
  auto r = c.request("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json_field(r->body, "error"), "PAYLOAD_TOO_LARGE");
}

TEST_F(HttpServer, CountsChunkedBodiesAgainstTheLimit) {
  start();
  Client ok(port_);
  auto small = ok.request(
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
  EXPECT_EQ(small->body, R"({"size":11})");

  Client c(port_);
  std::string chunk = std::string(30000, 'z');
  std::string req = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) req += "7530\r\n" + chunk + "\r\n";
  req += "0\r\n\r\n";
  auto r = c.request(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json_field(r->body, "error"), "PAYLOAD_TOO_LARGE");
}

TEST_F(HttpServer, AcceptsABodyWithinTheLimit) {
  start();
  Client c(port_);
  std::string body(60000, 'b');
  auto r = c.request("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n" + body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"size":60000})");
}

TEST_F(HttpServer, AnswersAMalformedRequestWith400Json) {
  start();
  for (std::string bad :
       {"GARBAGE\r\n\r\n", "GET /x HTTP/9.9\r\n\r\n", "GET /x HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST /upload HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    Client c(port_);
    auto r = c.request(bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(json_field(r->body, "error"), "INVALID_REQUEST") << bad;
    EXPECT_FALSE(r->header("x-request-id").empty());
    EXPECT_TRUE(c.closed_within(2s));
  }
}

TEST_F(HttpServer, AnswersUnknownPaths404AndWrongMethods405WithAllow) {
  start();
  Client c(port_);
  auto missing = c.request(get("/nope"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json_field(missing->body, "error"), "NOT_FOUND");
  auto wrong = c.request("DELETE /upload HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(json_field(wrong->body, "error"), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(wrong->header("allow"), "POST");
}

TEST_F(HttpServer, RoutesUnderTheBasePath) {
  ServerOptions o;
  o.base_path = "/dev";
  start(o);
  Client c(port_);
  auto r = c.request(get("/dev/items/5?q=a%26b"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json_field(r->body, "id"), "5");
  EXPECT_EQ(json_field(r->body, "path"), "/items/5");
  EXPECT_EQ(json_field(r->body, "raw_path"), "/dev/items/5");
  EXPECT_EQ(json_field(r->body, "q"), "a&b");
  for (const char* outside : {"/items/5", "/devx/items/5", "/de"}) {
    auto o404 = c.request(get(outside));
    ASSERT_TRUE(o404);
    EXPECT_EQ(o404->status, 404) << outside;
  }
}

TEST_F(HttpServer, DecodesPathParametersButKeepsTheRawPath) {
  start();
  Client c(port_);
  auto r = c.request(get("/items/a%2Fb%20c"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json_field(r->body, "id"), "a/b c");
  EXPECT_EQ(json_field(r->body, "raw_path"), "/items/a%2Fb%20c");
  EXPECT_EQ(json_field(r->body, "path"), "/items/a/b c");
  auto bad = c.request(get("/items/%zz"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(HttpServer, EchoesASaneRequestIdAndGeneratesOtherwise) {
  start();
  Client c(port_);
  auto echoed = c.request(get("/items/1", "X-Request-Id: abc-123_x.y:z\r\n"));
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->header("x-request-id"), "abc-123_x.y:z");

  auto fresh1 = c.request(get("/items/1"));
  auto fresh2 = c.request(get("/nope"));
  ASSERT_TRUE(fresh1 && fresh2);
  EXPECT_EQ(fresh1->header("x-request-id").size(), 36u);
  EXPECT_NE(fresh1->header("x-request-id"), fresh2->header("x-request-id"));

  for (std::string insane : {std::string("a b"), std::string("<script>"), std::string(129, 'a')}) {
    auto r = c.request(get("/items/1", "X-Request-Id: " + insane + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("x-request-id").size(), 36u) << insane;
  }
}

TEST_F(HttpServer, SendsNoCorsHeadersWhenCorsIsOff) {
  start();
  Client c(port_);
  auto r = c.request(get("/items/1", "Origin: https://game.example\r\n"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_header("access-control-allow-origin"));
  auto pre = c.request(
      "OPTIONS /items/1 HTTP/1.1\r\nHost: x\r\nOrigin: https://game.example\r\n"
      "Access-Control-Request-Method: GET\r\n\r\n");
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 405);
}

TEST_F(HttpServer, AddsCorsHeadersForAllowedOriginsOnly) {
  ServerOptions o;
  o.cors.enabled = true;
  o.cors.allowed_origins = {"https://game.example"};
  start(o);
  Client c(port_);
  auto ok = c.request(get("/items/1", "Origin: https://game.example\r\n"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->header("access-control-allow-origin"), "https://game.example");
  EXPECT_EQ(ok->header("vary"), "Origin");
  EXPECT_EQ(ok->header("access-control-expose-headers"), "X-Request-Id");

  auto other = c.request(get("/items/1", "Origin: https://evil.example\r\n"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_FALSE(other->has_header("access-control-allow-origin"));
}

TEST_F(HttpServer, AnswersCorsPreflight) {
  ServerOptions o;
  o.cors.enabled = true;
  o.cors.allowed_origins = {"https://game.example"};
  o.cors.max_age = std::chrono::seconds(120);
  start(o);
  Client c(port_);
  std::string preflight =
      "OPTIONS /items/1 HTTP/1.1\r\nHost: x\r\nOrigin: ORIGIN\r\n"
      "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization\r\n\r\n";
  auto ok = c.request(
      std::string(preflight).replace(preflight.find("ORIGIN"), 6, "https://game.example"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(ok->header("access-control-allow-origin"), "https://game.example");
  EXPECT_NE(ok->header("access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_NE(ok->header("access-control-allow-headers").find("authorization"), std::string::npos);
  EXPECT_EQ(ok->header("access-control-max-age"), "120");

  auto denied = c.request(
      std::string(preflight).replace(preflight.find("ORIGIN"), 6, "https://evil.example"));
  ASSERT_TRUE(denied);
  EXPECT_NE(denied->status, 204);
  EXPECT_FALSE(denied->has_header("access-control-allow-origin"));
  EXPECT_FALSE(denied->has_header("access-control-allow-methods"));
}

TEST_F(HttpServer, LetsAHandlerAnswerLaterFromAnotherThread) {
  start();
  Client c(port_);
  auto r = c.request(get("/later"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"later":true})");
  auto next = c.request(get("/items/9"));  // the connection goes on afterwards
  ASSERT_TRUE(next);
  EXPECT_EQ(json_field(next->body, "id"), "9");
}

TEST_F(HttpServer, TurnsAThrowingOrSilentHandlerInto500Internal) {
  start();
  Client c(port_);
  for (const char* path : {"/throw", "/never"}) {
    auto r = c.request(get(path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 500) << path;
    EXPECT_EQ(json_field(r->body, "error"), "INTERNAL") << path;
  }
  auto after = c.request(get("/items/1"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpServer, AnswersHeadWithoutABody) {
  start();
  Client c(port_);
  c.expect_head();
  auto r = c.request("HEAD /items/1 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->header("content-length"), "0");
  EXPECT_TRUE(c.buffered().empty());
}

TEST_F(HttpServer, ReportsEveryAnsweredRequestToTheObserver) {
  start();
  {
    Client c(port_);
    ASSERT_TRUE(c.request(get("/items/7?q=1", "X-Request-Id: rid-1\r\n")));
    ASSERT_TRUE(c.request(get("/nope")));
  }
  wait_for_count(observer_.open, 0);
  auto records = observer_.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].request_id, "rid-1");
  EXPECT_EQ(records[0].remote_ip, "127.0.0.1");
  EXPECT_EQ(records[0].caller, "caller-1");
  EXPECT_EQ(records[0].user, "player-1");
  EXPECT_EQ(records[0].method, "GET");
  EXPECT_EQ(records[0].resource_path, "/items/7");
  EXPECT_EQ(records[0].route, "/items/{id}");
  EXPECT_EQ(records[0].status, 200);
  EXPECT_EQ(records[0].protocol, "HTTP/1.1");
  EXPECT_GT(records[0].response_length, 0u);
  EXPECT_EQ(records[1].status, 404);
  EXPECT_EQ(records[1].route, "");
  EXPECT_EQ(observer_.open.load(), 0);
  EXPECT_EQ(observer_.in_flight.load(), 0);
}

TEST_F(HttpServer, SurvivesALateAnswerToAClientThatLeft) {
  start();
  {
    Client gone(port_);
    ASSERT_TRUE(gone.send(get("/later")));
  }  // closed before the answer comes
  std::this_thread::sleep_for(150ms);
  Client c(port_);
  auto r = c.request(get("/items/1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  wait_for_count(observer_.in_flight, 0);
  EXPECT_EQ(observer_.in_flight.load(), 0);
}

TEST_F(HttpServer, SendsContinueToAClientThatWaitsForIt) {
  start();
  Client c(port_);
  ASSERT_TRUE(
      c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
             "Expect: 100-continue\r\n\r\n"));
  ASSERT_TRUE(c.closed_within(300ms) == false);  // reads what arrived meanwhile
  EXPECT_EQ(c.buffered().rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u);
  ASSERT_TRUE(c.send("abcd"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"size":4})");
}

TEST_F(HttpServer, ClosesAfterAnHttp10RequestWithoutKeepAlive) {
  start();
  Client c(port_);
  auto r = c.request("GET /items/1 HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(HttpServer, KeepsAnHttp10ConnectionAliveWhenAsked) {
  start();
  Client c(port_);
  for (int i = 0; i < 2; ++i) {
    auto r = c.request("GET /items/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->header("connection"), "keep-alive");
  }
}

TEST_F(HttpServer, LetsOneRequestAnswerAnotherWaitingOne) {
  std::mutex mu;
  std::vector<Responder> waiting;
  router_.add(Method::kGet, "/wait", [&](Request&, Responder r) {
    std::lock_guard<std::mutex> lock(mu);
    waiting.push_back(std::move(r));
  });
  router_.add(Method::kGet, "/wake", [&](Request&, Responder r) {
    std::vector<Responder> woken;
    {
      std::lock_guard<std::mutex> lock(mu);
      woken.swap(waiting);
    }
    for (auto& w : woken) w.send(Response::json(200, R"({"woken":true})"));
    r.send(Response::json(200, "{\"count\":" + std::to_string(woken.size()) + "}"));
  });
  ServerOptions o;
  o.threads = 1;  // the waiting and the waking request share one event loop
  start(o);
  Client waiter(port_);
  ASSERT_TRUE(waiter.send(get("/wait")));
  // One event loop: once the request is in flight, its handler runs before the next.
  ASSERT_TRUE(wait_for_count(observer_.in_flight, 1));
  Client waker(port_);
  auto woke = waker.request(get("/wake"));
  ASSERT_TRUE(woke);
  EXPECT_EQ(woke->body, R"({"count":1})");
  auto r = waiter.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, R"({"woken":true})");
}

TEST_F(HttpServer, RefusesATakenPortAndABadAddress) {
  start();
  ServerOptions taken;
  taken.port = port_;
  auto second = make_server(taken, Router(), nullptr);
  EXPECT_FALSE(second->start().ok());

  ServerOptions bad;
  bad.host = "not an address";
  auto third = make_server(bad, Router(), nullptr);
  EXPECT_FALSE(third->start().ok());
}

}  // namespace
}  // namespace sapi::http
