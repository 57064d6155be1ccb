#include "api/game_server_bodies.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sapi::api {
namespace {

Result<fleet::GameServerSpec> registration(std::string_view text) {
  return decode_registration(boost::json::parse(text).as_object());
}

TEST(GameServerBodies, ARegistrationCarriesItsFieldsAndLabels) {
  auto spec = registration(R"({"gameServerId": "gs-1", "ipAddress": "203.0.113.7", "port": 7777,
      "location": "eu-west-1", "maxPlayers": 10, "labels": {"map": "arena"}})");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->game_server_id, "gs-1");
  EXPECT_EQ(spec->port, 7777);
  EXPECT_EQ(spec->max_players, 10);
  EXPECT_EQ(spec->labels.at("map"), "arena");
}

TEST(GameServerBodies, ARegistrationNamesTheFieldItRefuses) {
  const std::string base = R"("ipAddress": "a", "location": "l", "maxPlayers": 2)";
  EXPECT_EQ(registration("{" + base + "}").status().message(), "port is required");
  EXPECT_EQ(registration("{" + base + R"(, "port": 65536})").status().message(),
            "port must be 1..65535");
  EXPECT_EQ(registration("{" + base + R"(, "port": 18446744073709551615})").status().message(),
            "port must be 1..65535");
  EXPECT_EQ(registration("{" + base + R"(, "port": 7.5})").status().message(),
            "port must be a whole number");
  EXPECT_EQ(registration("{" + base + R"(, "port": 1, "labels": {"a": 1}})").status().message(),
            "labels must be an object of strings without control characters");
  EXPECT_EQ(registration(R"({"ipAddress": 7})").status().message(), "ipAddress must be a string");
}

// Found by tests/e2e/hostile_input.test.mjs: "203.0.113.9\u0000" passed the address check,
// which reads it as a C string, and was handed to players.
TEST(GameServerBodies, NoFieldMayHoldAControlCharacter) {
  const std::string rest = R"("location": "l", "port": 1, "maxPlayers": 2)";
  EXPECT_EQ(registration(R"({"ipAddress": "203.0.113.9\u0000", )" + rest + "}").status().message(),
            "ipAddress must not contain control characters");
  EXPECT_EQ(registration(R"({"ipAddress": "a", "dnsName": "gs\n.example.org", )" + rest + "}")
                .status()
                .message(),
            "dnsName must not contain control characters");
  EXPECT_FALSE(
      registration(R"({"ipAddress": "a", "labels": {"k": "v\u007f"}, )" + rest + "}").ok());
  EXPECT_FALSE(
      registration(R"({"ipAddress": "a", "labels": {"k\u0001": "v"}, )" + rest + "}").ok());
}

TEST(GameServerBodies, AHeartbeatMayBeEmptyOrNull) {
  auto empty = decode_heartbeat("", JsonLimits{});
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->player_count);
  EXPECT_FALSE(empty->health);
  auto nulls = decode_heartbeat(R"({"playerCount": null, "health": null})", JsonLimits{});
  ASSERT_TRUE(nulls.ok());
  EXPECT_FALSE(nulls->player_count);
  auto full = decode_heartbeat(R"({"playerCount": 3, "health": "UNHEALTHY"})", JsonLimits{});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->player_count, 3);
  EXPECT_EQ(full->health, fleet::Health::kUnhealthy);
}

TEST(GameServerBodies, AHeartbeatRefusesWhatItCannotRead) {
  EXPECT_EQ(decode_heartbeat("[]", JsonLimits{}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(decode_heartbeat(R"({"health": "GREAT"})", JsonLimits{}).status().message(),
            "health must be HEALTHY or UNHEALTHY");
  EXPECT_EQ(decode_heartbeat(R"({"playerCount": -1})", JsonLimits{}).status().message(),
            "playerCount must be 0..100000");
  EXPECT_EQ(decode_heartbeat(std::string(70000, ' '), JsonLimits{}).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace sapi::api
