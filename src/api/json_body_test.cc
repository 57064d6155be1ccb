#include "api/json_body.h"

#include <gtest/gtest.h>

#include "api/error.h"

namespace sapi::api {
namespace {

TEST(JsonBodyTest, AnObjectParses) {
  auto parsed = parse_json_object(R"({"playerId":"p1","playerAttributes":{"skill":10}})", {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->at("playerId").as_string(), "p1");
}

TEST(JsonBodyTest, InvalidJsonIsA400InvalidRequestNotA500) {
  auto parsed = parse_json_object("{\"playerId\": ", {});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("not valid JSON"), std::string::npos);
  http::Response r = error_response(parsed.status());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.rfind(R"({"error":"INVALID_REQUEST","message":"request body is not valid)", 0),
            0u)
      << r.body;
}

TEST(JsonBodyTest, TheTopLevelMustBeAnObject) {
  for (const char* body : {"[]", "\"text\"", "42", "null", "true"}) {
    auto parsed = parse_json_object(body, {});
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().message(), "request body must be a JSON object") << body;
  }
}

TEST(JsonBodyTest, AnEmptyBodySaysSo) {
  auto parsed = parse_json_object("  \n", {});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "request body is empty: expected a JSON object");
}

TEST(JsonBodyTest, NestingBeyondTheLimitIsRefused) {
  JsonLimits limits;
  limits.max_depth = 4;
  EXPECT_TRUE(parse_json_object(R"({"a":{"b":{"c":[1]}}})", limits).ok());
  auto deep = parse_json_object(R"({"a":{"b":{"c":[[1]]}}})", limits);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(deep.status().message(), "request body nests deeper than 4 levels");
}

TEST(JsonBodyTest, AHugelyNestedBodyDoesNotCrash) {
  std::string body(200000, '[');
  auto parsed = parse_json_object(body, {.max_depth = 32, .max_bytes = 1 << 20});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
}

TEST(JsonBodyTest, BodiesOverTheSizeCapAreRefused) {
  std::string body = R"({"a":")" + std::string(100, 'x') + R"("})";
  auto parsed = parse_json_object(body, {.max_depth = 32, .max_bytes = 50});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "request body is larger than 50 bytes");
}

TEST(JsonBodyTest, TrailingGarbageIsInvalid) {
  EXPECT_FALSE(parse_json_object(R"({"a":1} {"b":2})", {}).ok());
}

}  // namespace
}  // namespace sapi::api
