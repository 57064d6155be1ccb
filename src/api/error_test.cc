#include "api/error.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace sapi::api {
namespace {

TEST(ErrorTest, EachCodeHasTheStatusAndApiCodeClientsExpect) {
  struct Case {
    Code code;
    int status;
    std::string_view api;
  };
  for (const Case& c :
       {Case{Code::kInvalidArgument, 400, "INVALID_REQUEST"},
        Case{Code::kUnauthenticated, 401, "UNAUTHORIZED"},
        Case{Code::kPermissionDenied, 403, "FORBIDDEN"}, Case{Code::kNotFound, 404, "NOT_FOUND"},
        Case{Code::kAlreadyExists, 409, "CONFLICT"},
        Case{Code::kFailedPrecondition, 409, "CONFLICT"},
        Case{Code::kResourceExhausted, 429, "TOO_MANY_REQUESTS"},
        Case{Code::kDeadlineExceeded, 504, "TIMEOUT"},
        Case{Code::kUnavailable, 503, "SERVICE_UNAVAILABLE"},
        Case{Code::kInternal, 500, "INTERNAL"}}) {
    EXPECT_EQ(http_status(c.code), c.status) << code_name(c.code);
    EXPECT_EQ(api_error_code(c.code), c.api) << code_name(c.code);
  }
}

TEST(ErrorTest, TheBodyIsErrorAndMessageProperlyEscaped) {
  http::Response r = error_response(not_found("ticket \"t-1\" is unknown"), "TICKET_NOT_FOUND");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.content_type.empty() || r.content_type == "application/json") << r.content_type;
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("error").as_string(), "TICKET_NOT_FOUND");
  EXPECT_EQ(body.at("message").as_string(), "ticket \"t-1\" is unknown");
  EXPECT_EQ(body.size(), 2u);
}

std::optional<std::string> header_of(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return std::nullopt;
}

TEST(ErrorTest, AServiceUnavailableAnswerAsksTheClientToRetryAfterASecond) {
  http::Response generic = error_response(unavailable("store write queue is full"));
  EXPECT_EQ(generic.status, 503);
  EXPECT_EQ(header_of(generic, "retry-after"), "1");
  http::Response own_code = error_response(unavailable("store is closed"), "STORAGE_FAILED");
  EXPECT_EQ(own_code.status, 503);
  EXPECT_EQ(header_of(own_code, "retry-after"), "1");
}

TEST(ErrorTest, OnlyA503CarriesRetryAfter) {
  for (const Status& s :
       {invalid_argument("x"), not_found("x"), failed_precondition("x"), internal_error("x"),
        Status{Code::kDeadlineExceeded, "x"}, unauthenticated("x"), resource_exhausted("x")}) {
    http::Response r = error_response(s);
    EXPECT_NE(r.status, 503);
    EXPECT_EQ(header_of(r, "retry-after"), std::nullopt) << r.status;
  }
}

}  // namespace
}  // namespace sapi::api
