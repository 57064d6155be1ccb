#include "base/clock.h"

#include <type_traits>

namespace sapi {
namespace {

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace

const Clock& Clock::system() {
  static const SystemClock clock;
  return clock;
}

int64_t epoch_seconds(Clock::TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Written by hand, since every answer and event carries such times: the calendar from
// <chrono> instead of gmtime_r, and the digits put in place instead of through fmt, a tenth
// of the time (bench/base).
std::string format_iso8601(Clock::TimePoint t) {
  using namespace std::chrono;
  // Nanoseconds in 64 bits span the years 1677 to 2262: the year always has four digits.
  static_assert(std::is_same_v<Clock::TimePoint::duration, nanoseconds>);
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss time{ms - day};
  char out[] = "0000-00-00T00:00:00.000Z";
  auto put = [&out](size_t at, unsigned value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) {
      out[at + i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  put(5, static_cast<unsigned>(date.month()), 2);
  put(8, static_cast<unsigned>(date.day()), 2);
  put(11, static_cast<unsigned>(time.hours().count()), 2);
  put(14, static_cast<unsigned>(time.minutes().count()), 2);
  put(17, static_cast<unsigned>(time.seconds().count()), 2);
  put(20, static_cast<unsigned>(time.subseconds().count()), 3);
  return std::string(out, sizeof(out) - 1);
}

}  // namespace sapi
