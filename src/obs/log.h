#pragma once

// JSON-lines logging: one object per line, {"timestamp","level","message", ...fields}.
//
// What a line may carry is only what a caller passes as Fields: there is no way to log a
// request or its headers wholesale, so an Authorization header, a token or a signature can
// reach a log only if someone names it explicitly. Don't.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sapi::obs {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "DEBUG", "INFO", "WARN", "ERROR" (and nothing else) to a Level.
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

// One key and value of a log line. Views: the value must outlive the log() call only.
class Field {
 public:
  enum class Kind { kString, kInt, kUint, kDouble, kBool };

  Field(std::string_view key, std::string_view value) : key_(key), kind_(Kind::kString) {
    s_ = value;
  }
  Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, const std::string& value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, bool value) : key_(key), kind_(Kind::kBool) { b_ = value; }
  Field(std::string_view key, int value) : key_(key), kind_(Kind::kInt) { i_ = value; }
  Field(std::string_view key, long value) : key_(key), kind_(Kind::kInt) { i_ = value; }
  Field(std::string_view key, long long value) : key_(key), kind_(Kind::kInt) { i_ = value; }
  Field(std::string_view key, unsigned value) : key_(key), kind_(Kind::kUint) { u_ = value; }
  Field(std::string_view key, unsigned long value) : key_(key), kind_(Kind::kUint) { u_ = value; }
  Field(std::string_view key, unsigned long long value) : key_(key), kind_(Kind::kUint) {
    u_ = value;
  }
  Field(std::string_view key, double value) : key_(key), kind_(Kind::kDouble) { d_ = value; }

  std::string_view key() const { return key_; }
  Kind kind() const { return kind_; }
  std::string_view string_value() const { return s_; }
  int64_t int_value() const { return i_; }
  uint64_t uint_value() const { return u_; }
  double double_value() const { return d_; }
  bool bool_value() const { return b_; }

 private:
  std::string_view key_;
  Kind kind_;
  std::string_view s_;
  int64_t i_ = 0;
  uint64_t u_ = 0;
  double d_ = 0;
  bool b_ = false;
};

using Fields = std::initializer_list<Field>;

struct LogOptions {
  Level level = Level::kInfo;
  // Empty: stdout. Else a file that rotates daily to `<stem>_YYYY-MM-DD<ext>`.
  std::string file;
  // With a file: how many daily files to keep.
  int retention_days = 30;
  // Lines are formatted by the caller and written by a background thread in batches (one
  // write every few milliseconds under load), so neither a slow disk or terminal nor waking
  // the writer costs a request anything. Order is kept; at `queue_size` lines waiting, callers
  // block rather than drop lines.
  bool async = true;
  size_t queue_size = 8192;
};

class Logger {
 public:
  virtual ~Logger() = default;

  bool enabled(Level level) const { return level >= level_; }

  // Writes one line when `level` is enabled.
  void log(Level level, std::string_view message, Fields fields = {}) {
    if (enabled(level)) write(level, message, fields);
  }
  void debug(std::string_view m, Fields f = {}) { log(Level::kDebug, m, f); }
  void info(std::string_view m, Fields f = {}) { log(Level::kInfo, m, f); }
  void warn(std::string_view m, Fields f = {}) { log(Level::kWarn, m, f); }
  void error(std::string_view m, Fields f = {}) { log(Level::kError, m, f); }

  // Writes out everything queued so far.
  virtual void flush() = 0;

 protected:
  explicit Logger(Level level) : level_(level) {}
  virtual void write(Level level, std::string_view message, Fields fields) = 0;

 private:
  Level level_;
};

// A logger to stdout or a rotating file. Fails when the file cannot be opened.
Result<std::unique_ptr<Logger>> open_logger(const LogOptions& options);

// A synchronous logger writing to `out` (tests).
std::unique_ptr<Logger> stream_logger(std::ostream& out, Level level = Level::kDebug);

// The whole line for a message, without the trailing newline (exposed for tests).
std::string format_line(Level level, std::string_view message, Fields fields);

// The process-wide logger: INFO to stdout until replaced. set_logger() is for start-up,
// before other threads log; it returns the previous logger, flushed.
Logger& logger();
std::unique_ptr<Logger> set_logger(std::unique_ptr<Logger> logger);

}  // namespace sapi::obs
