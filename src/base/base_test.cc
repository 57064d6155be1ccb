#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

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

// The C library's calendar, as the reference the formatter must agree with.
std::string iso8601_by_gmtime(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[40];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", millis);
  return text;
}

TEST(Clock, FormatsIso8601AsTheCalendarOfTheCLibrary) {
  std::vector<int64_t> instants = {
      0,              // the epoch
      -1,             // the last millisecond before it
      -86400000,      // 1969-12-31
      951782400000,   // 2000-02-29, a leap day of a century
      4107542400000,  // 2100-03-01, after a century that has none
      -8520336000000  // 1700-01-01
  };
  // From the end of 1678 to the end of 2261: nearly all that a time point (nanoseconds in 64
  // bits) can hold.
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int64_t> any(-9183110400000, 9214646399999);
  for (int i = 0; i < 20000; ++i) instants.push_back(any(random));
  for (int64_t ms : instants) {
    EXPECT_EQ(format_iso8601(Clock::TimePoint{std::chrono::milliseconds(ms)}),
              iso8601_by_gmtime(ms))
        << ms;
  }
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
