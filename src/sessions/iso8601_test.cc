#include "sessions/iso8601.h"

#include <gtest/gtest.h>

namespace sapi::sessions {
namespace {

int64_t ms(std::string_view text) {
  auto t = parse_iso8601(text);
  EXPECT_TRUE(t.has_value()) << text;
  if (!t) return -1;
  return std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
}

TEST(Iso8601, AcceptsWhatGameServersSend) {
  EXPECT_EQ(ms("2026-04-08T12:00:00.000Z"), 1'775'649'600'000);
  EXPECT_EQ(ms("2026-04-08T12:00:00Z"), 1'775'649'600'000);
  EXPECT_EQ(ms("2026-04-08T12:00:00.5Z"), 1'775'649'600'500);
  EXPECT_EQ(ms("2026-04-08T12:00:00.123456789Z"), 1'775'649'600'123);
}

TEST(Iso8601, AppliesOffsets) {
  EXPECT_EQ(ms("2026-04-08T14:00:00+02:00"), 1'775'649'600'000);
  EXPECT_EQ(ms("2026-04-08T07:30:00.000-04:30"), 1'775'649'600'000);
  EXPECT_EQ(ms("2026-04-08T14:00:00+0200"), 1'775'649'600'000);
}

TEST(Iso8601, KnowsTheCalendar) {
  EXPECT_EQ(ms("2024-02-29T00:00:00Z"), 1'709'164'800'000);
  EXPECT_EQ(ms("1970-01-01T00:00:00Z"), 0);
}

TEST(Iso8601, RefusesEverythingElse) {
  for (const char* bad :
       {"", "2026-04-08", "2026-04-08T12:00:00", "2026-04-08 12:00:00Z", "2026-4-08T12:00:00Z",
        "2026-02-30T12:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-04-08T24:00:00Z", "2026-04-08T12:60:00Z", "2026-04-08T12:00:00.Z",
        "2026-04-08T12:00:00.1234567890Z", "2026-04-08T12:00:00+25:00", "2026-04-08T12:00:00+2",
        "2026-04-08T12:00:00Zjunk", "1775649600", "next tuesday", "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace sapi::sessions
