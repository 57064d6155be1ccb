#include "api/yaml_json.h"

#include <gtest/gtest.h>

namespace sapi::api {
namespace {

std::string json_of(std::string_view yaml) {
  auto json = yaml_to_json(yaml);
  EXPECT_TRUE(json.ok()) << json.status().message();
  return json.ok() ? *json : "";
}

TEST(YamlToJsonTest, PlainScalarsAreTypedByTheCoreSchema) {
  EXPECT_EQ(json_of("a: 1\nb: -7\nc: 0.5\nd: 1e3\ne: true\nf: False\ng: ~\nh: null\ni:\n"),
            R"({"a":1,"b":-7,"c":5E-1,"d":1E3,"e":true,"f":false,"g":null,"h":null,"i":null})");
  EXPECT_EQ(json_of("hex: 0x1F\noct: 0o17\nplus: +3\nbig: 18446744073709551616"),
            R"({"hex":31,"oct":15,"plus":3,"big":1.8446744073709552E19})");
}

TEST(YamlToJsonTest, WordsThatLookLikeOtherTypesStayStrings) {
  // YAML 1.1 read these as booleans or numbers; YAML 1.2 (and OpenAPI) does not.
  EXPECT_EQ(json_of("a: yes\nb: on\nc: 1_000\nd: 3.1.0\ne: 2026-04-08\nf: 12:30"),
            R"({"a":"yes","b":"on","c":"1_000","d":"3.1.0","e":"2026-04-08","f":"12:30"})");
}

TEST(YamlToJsonTest, QuotedAndBlockScalarsAreStrings) {
  EXPECT_EQ(json_of("'200':\n  x: '1'\n  y: \"true\"\n  z: |\n    two\n    lines\n"),
            R"({"200":{"x":"1","y":"true","z":"two\nlines\n"}})");
  EXPECT_EQ(json_of("a: >\n  folded\n  text\n"), R"({"a":"folded text\n"})");
}

TEST(YamlToJsonTest, ExplicitCoreTagsAreHonoured) {
  EXPECT_EQ(json_of("a: !!str 10\nb: !!float 2\nc: !!int 3"), R"({"a":"10","b":2E0,"c":3})");
  EXPECT_FALSE(yaml_to_json("a: !!int abc").ok());
  EXPECT_FALSE(yaml_to_json("a: !custom x").ok());
}

TEST(YamlToJsonTest, FlowCollectionsNestingAndAliases) {
  EXPECT_EQ(json_of("a: [x, 2, {k: v}]\nb: &anchor {n: 1}\nc: *anchor\nd: []\ne: {}"),
            R"({"a":["x",2,{"k":"v"}],"b":{"n":1},"c":{"n":1},"d":[],"e":{}})");
}

TEST(YamlToJsonTest, MalformedInputIsAnErrorNamingTheLine) {
  auto bad = yaml_to_json("a: 1\nb: [unterminated\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("line"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(yaml_to_json("a: 1\na: 2\n").ok()) << "duplicate keys";
  EXPECT_FALSE(yaml_to_json("? [a, b]\n: 1\n").ok()) << "non-scalar keys";
  EXPECT_FALSE(yaml_to_json("a: .inf").ok()) << "JSON has no infinity";
  EXPECT_FALSE(yaml_to_json("a: .NaN").ok());
}

TEST(YamlToJsonTest, DeepNestingIsRefusedNotRecursedWithoutEnd) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  auto r = yaml_to_json(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("deeply"), std::string::npos) << r.status().message();
  EXPECT_TRUE(yaml_to_json(std::string(60, '[') + std::string(60, ']')).ok());
}

}  // namespace
}  // namespace sapi::api
