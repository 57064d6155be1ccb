#include "auth/jwt_json.h"

#include <gtest/gtest.h>

#include <string>

namespace sapi::auth {
namespace {

TEST(ParseJsonObjectStrict, AcceptsAnObject) {
  auto r = parse_json_object_strict(R"({"a":1,"b":{"c":[1,2,{"d":null}]}})");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->at("a").as_int64(), 1);
}

TEST(ParseJsonObjectStrict, RejectsDuplicateKeysAtAnyDepth) {
  EXPECT_FALSE(parse_json_object_strict(R"({"sub":"a","sub":"b"})").ok());
  EXPECT_FALSE(parse_json_object_strict(R"({"x":{"k":1,"k":2}})").ok());
  EXPECT_FALSE(parse_json_object_strict(R"({"x":[{"k":1,"k":2}]})").ok());
  // The same key in sibling objects is fine.
  EXPECT_TRUE(parse_json_object_strict(R"({"x":[{"k":1},{"k":2}]})").ok());
}

TEST(ParseJsonObjectStrict, SeesDuplicatesThroughEscapes) {
  EXPECT_FALSE(parse_json_object_strict(R"({"sub":"a","s\u0075b":"b"})").ok());
}

TEST(ParseJsonObjectStrict, RejectsNonObjects) {
  EXPECT_FALSE(parse_json_object_strict("[]").ok());
  EXPECT_FALSE(parse_json_object_strict("\"x\"").ok());
  EXPECT_FALSE(parse_json_object_strict("1").ok());
  EXPECT_FALSE(parse_json_object_strict("null").ok());
  EXPECT_FALSE(parse_json_object_strict("").ok());
}

TEST(ParseJsonObjectStrict, RejectsSloppyJson) {
  EXPECT_FALSE(parse_json_object_strict(R"({"a":1,})").ok());
  EXPECT_FALSE(parse_json_object_strict(R"({"a":1} // c)").ok());
  EXPECT_FALSE(parse_json_object_strict(R"({"a":1}{"b":2})").ok());
  EXPECT_FALSE(parse_json_object_strict("{\"a\":\"\xff\"}").ok());
}

TEST(ParseJsonObjectStrict, CapsNesting) {
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_FALSE(parse_json_object_strict(deep).ok());
}

}  // namespace
}  // namespace sapi::auth
