#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/percent.h"
#include "base/result.h"
#include "base/text.h"

namespace sapi {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return invalid_argument("must be positive");
  return v;
}

TEST(Result, CarriesValueOrStatus) {
  auto good = parse_positive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().to_string(), "INVALID_ARGUMENT: must be positive");
}

TEST(Clock, FormatsIso8601WithMilliseconds) {
  Clock::TimePoint t{std::chrono::milliseconds(1775649600123)};
  EXPECT_EQ(format_iso8601(t), "2026-04-08T12:00:00.123Z");
  EXPECT_EQ(epoch_seconds(t), 1775649600);
}

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock clock;
  auto start = clock.now();
  clock.advance(std::chrono::seconds(45));
  EXPECT_EQ(clock.now() - start, std::chrono::seconds(45));
}

}  // namespace
}  // namespace sapi

namespace sapi {
namespace {

TEST(PercentDecode, DecodesEscapesAndRefusesMalformedOnes) {
  std::string out;
  EXPECT_TRUE(percent_decode("a%20b%2Fc+d", out));
  EXPECT_EQ(out, "a b/c+d");
  EXPECT_TRUE(percent_decode("a+b", out, /*plus_as_space=*/true));
  EXPECT_EQ(out, "a b");
  EXPECT_FALSE(percent_decode("%G1", out));
  EXPECT_FALSE(percent_decode("abc%4", out));
  EXPECT_FALSE(percent_decode("%", out));
}

TEST(HasControlCharacter, FindsEveryControlCharacterAnywhereAndNothingElse) {
  using namespace std::string_literals;
  EXPECT_FALSE(has_control_character(""));
  EXPECT_FALSE(has_control_character("eu-west-1 203.0.113.7 \xc3\xa9t\xc3\xa9 ~"));
  for (int c = 0; c < 0x20; ++c) {
    std::string s = "ab"s + static_cast<char>(c) + "cd";
    EXPECT_TRUE(has_control_character(s)) << c;
    EXPECT_TRUE(has_control_character(s.substr(2))) << c;     // first
    EXPECT_TRUE(has_control_character(s.substr(0, 3))) << c;  // last
  }
  EXPECT_TRUE(has_control_character("a\x7f"));
  EXPECT_FALSE(has_control_character("\x80\xff"));  // bytes of UTF-8 text, not controls
}

}  // namespace
}  // namespace sapi
