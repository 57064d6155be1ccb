#include "sessions/iso8601.h"

#include <cstdint>

namespace sapi::sessions {
namespace {

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  *out = value;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Offset in seconds east of UTC from `Z`, `+HH:MM` or `+HHMM` filling the rest of `s`.
std::optional<int> parse_offset(std::string_view s) {
  if (s == "Z" || s == "z") return 0;
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int hours = 0, minutes = 0;
  if (!digits(s, 1, 2, &hours)) return std::nullopt;
  size_t minute_pos = s.size() == 6 && s[3] == ':' ? 4 : 3;
  if (s.size() != minute_pos + 2 || !digits(s, minute_pos, 2, &minutes)) return std::nullopt;
  if (hours > 23 || minutes > 59) return std::nullopt;
  int offset = hours * 3600 + minutes * 60;
  return s[0] == '-' ? -offset : offset;
}

}  // namespace

std::optional<Clock::TimePoint> parse_iso8601(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (s.size() < 20 || !digits(s, 0, 4, &year) || s[4] != '-' || !digits(s, 5, 2, &month) ||
      s[7] != '-' || !digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2, &hour) || s[13] != ':' || !digits(s, 14, 2, &minute) || s[16] != ':' ||
      !digits(s, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t nanos = 0;
  if (s[pos] == '.' || s[pos] == ',') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    size_t n = pos - start;
    if (n == 0 || n > 9) return std::nullopt;
    for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < n ? s[start + i] - '0' : 0);
  }
  auto offset = parse_offset(s.substr(pos));
  if (!offset) return std::nullopt;
  // Clock counts nanoseconds in 64 bits: years 1678 to 2261 only.
  if (year < 1678 || year > 2261) return std::nullopt;
  auto date = std::chrono::year_month_day{std::chrono::year{year},
                                          std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(day)}};
  auto since_epoch = std::chrono::sys_days{date}.time_since_epoch() + std::chrono::hours(hour) +
                     std::chrono::minutes(minute) + std::chrono::seconds(second) -
                     std::chrono::seconds(*offset);
  return Clock::TimePoint(std::chrono::duration_cast<Clock::TimePoint::duration>(
      since_epoch + std::chrono::nanoseconds(nanos)));
}

}  // namespace sapi::sessions
