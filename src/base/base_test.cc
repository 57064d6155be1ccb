#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/percent.h"
#include "base/result.h"

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

}  // namespace
}  // namespace sapi
