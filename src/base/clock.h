#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sapi {

// Wall-clock time as the API reports it (UTC), injectable so that tests and the simulator
// run on virtual time.
class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;

  // The process-wide real clock.
  static const Clock& system();
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::nanoseconds d) { now_ += std::chrono::duration_cast<
      std::chrono::system_clock::duration>(d); }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

// ISO-8601 UTC with milliseconds, e.g. 2026-04-08T12:00:00.000Z.
std::string format_iso8601(Clock::TimePoint t);

// Seconds since the Unix epoch, rounded down.
int64_t epoch_seconds(Clock::TimePoint t);

}  // namespace sapi
