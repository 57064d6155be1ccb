#include "obs/log.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <spdlog/sinks/daily_file_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "obs/line_batcher.h"

namespace sapi::obs {
namespace {

// Bytes that need an escape in a JSON string: controls, '"' and '\\'.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

// True when some byte of the 8 in `w` needs an escape. Each term is the classic "has a byte
// below n" test, exact as a yes/no answer; a word that says yes is looked at byte by byte.
bool word_needs_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  uint64_t quote = w ^ (kOnes * '"');
  uint64_t backslash = w ^ (kOnes * '\\');
  uint64_t control = (w - kOnes * 0x20) & ~w;
  uint64_t quote_zero = (quote - kOnes) & ~quote;
  uint64_t backslash_zero = (backslash - kOnes) & ~backslash;
  return ((control | quote_zero | backslash_zero) & kHighs) != 0;
}

bool needs_escape(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof(w));
    if (word_needs_escape(w)) return true;
  }
  if (i == s.size()) return false;
  if (s.size() >= 8) {  // the last eight bytes, overlapping those already seen
    uint64_t w;
    std::memcpy(&w, s.data() + s.size() - 8, sizeof(w));
    return word_needs_escape(w);
  }
  for (; i < s.size(); ++i) {
    if (kNeedsEscape[static_cast<unsigned char>(s[i])]) return true;
  }
  return false;
}

// Every request writes an access line of a dozen strings, nearly always plain ASCII: such a
// string goes in with its quotes in one copy; one with escapes is copied in runs between them.
void append_escaped(fmt::memory_buffer& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (!needs_escape(s)) {
    size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* p = out.data() + at;
    p[0] = '"';
    if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  out.push_back('"');
  size_t run = 0;  // start of the current run of characters that need no escape
  size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, sizeof(w));
      if (!word_needs_escape(w)) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i++]);
    if (!kNeedsEscape[c]) continue;
    out.append(s.data() + run, s.data() + i - 1);
    run = i;
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default: {
        char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(u, u + sizeof u);
      }
    }
  }
  out.append(s.data() + run, s.data() + s.size());
  out.push_back('"');
}

// "2026-04-08T12:00:00.123Z". The date part changes once a second, so each thread keeps it.
void append_timestamp(fmt::memory_buffer& out) {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = time_point_cast<seconds>(now);
  auto millis = duration_cast<milliseconds>(now - secs).count();
  thread_local int64_t cached_second = -1;
  thread_local char cached[20];
  int64_t s = secs.time_since_epoch().count();
  if (s != cached_second) {
    std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = s;
  }
  out.append(std::string_view(cached, 19));
  fmt::format_to(std::back_inserter(out), FMT_COMPILE(".{:03d}Z"), millis);
}

void append_value(fmt::memory_buffer& out, const Field& f) {
  auto it = std::back_inserter(out);
  switch (f.kind()) {
    case Field::Kind::kString:
      append_escaped(out, f.string_value());
      break;
    case Field::Kind::kInt:
      fmt::format_to(it, FMT_COMPILE("{}"), f.int_value());
      break;
    case Field::Kind::kUint:
      fmt::format_to(it, FMT_COMPILE("{}"), f.uint_value());
      break;
    case Field::Kind::kBool:
      out.append(std::string_view(f.bool_value() ? "true" : "false"));
      break;
    case Field::Kind::kDouble:
      if (std::isfinite(f.double_value())) {
        fmt::format_to(it, FMT_COMPILE("{}"), f.double_value());
      } else {
        out.append(std::string_view("null"));
      }
      break;
  }
}

void format_into(fmt::memory_buffer& out, Level level, std::string_view message, Fields fields) {
  out.append(std::string_view("{\"timestamp\":\""));
  append_timestamp(out);
  out.append(std::string_view("\",\"level\":\""));
  out.append(level_name(level));
  out.append(std::string_view("\",\"message\":"));
  append_escaped(out, message);
  for (const Field& f : fields) {
    out.push_back(',');
    append_escaped(out, f.key());
    out.push_back(':');
    append_value(out, f);
  }
  out.push_back('}');
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// Formats the JSON itself (spdlog's pattern is just the message) and lets spdlog do the
// writing and the rotation.
class SpdLogger final : public Logger {
 public:
  SpdLogger(Level level, std::shared_ptr<spdlog::logger> impl)
      : Logger(level), impl_(std::move(impl)) {
    impl_->set_pattern("%v");
    impl_->set_level(spdlog::level::trace);
    impl_->flush_on(spdlog::level::trace);
  }
  ~SpdLogger() override { flush(); }

  void flush() override {
    try {
      impl_->flush();
    } catch (const std::exception&) {
    }
  }

 private:
  void write(Level level, std::string_view message, Fields fields) override {
    fmt::memory_buffer line;
    format_into(line, level, message, fields);
    try {
      impl_->log(to_spdlog(level), std::string_view(line.data(), line.size()));
    } catch (const std::exception&) {
      // A log line that cannot be written must not take a request down.
    }
  }

  std::shared_ptr<spdlog::logger> impl_;
};

// Callers format their line and queue it; a background thread hands whole batches of lines to
// the spdlog sink as one message (one write and one flush per batch), so a request pays
// neither a write nor a wake-up of the writer.
class BatchedLogger final : public Logger {
 public:
  BatchedLogger(Level level, spdlog::sink_ptr sink, size_t max_lines)
      : Logger(level),
        sink_(std::move(sink)),
        lines_([this](std::string_view lines) { write_batch(lines); }, max_lines, kBatchInterval) {
    sink_->set_pattern("%v");
    sink_->set_level(spdlog::level::trace);
  }
  ~BatchedLogger() override { flush(); }

  void flush() override { lines_.flush(); }

 private:
  // Long enough that a busy server wakes the writer a few hundred times a second at most,
  // short enough that a line reaches the log before anyone reading it would notice.
  static constexpr std::chrono::milliseconds kBatchInterval{4};

  void write(Level level, std::string_view message, Fields fields) override {
    fmt::memory_buffer line;
    format_into(line, level, message, fields);
    lines_.push(std::string_view(line.data(), line.size()));
  }

  void write_batch(std::string_view lines) {
    if (lines.empty()) return;
    // The sink's pattern ends the message with a newline; the batch's own last one goes.
    lines.remove_suffix(1);
    try {
      spdlog::details::log_msg msg(spdlog::source_loc{}, "session-api", spdlog::level::info,
                                   spdlog::string_view_t(lines.data(), lines.size()));
      sink_->log(msg);
      sink_->flush();
    } catch (const std::exception&) {
      // A log that cannot be written must not take the process down.
    }
  }

  spdlog::sink_ptr sink_;
  LineBatcher lines_;  // last: its thread stops before the sink goes
};

std::atomic<Logger*> g_logger{nullptr};
std::unique_ptr<Logger> g_owned;
std::once_flag g_default_once;

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  if (name == "DEBUG") return Level::kDebug;
  if (name == "INFO") return Level::kInfo;
  if (name == "WARN") return Level::kWarn;
  if (name == "ERROR") return Level::kError;
  return std::nullopt;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "INFO";
}

std::string format_line(Level level, std::string_view message, Fields fields) {
  fmt::memory_buffer out;
  format_into(out, level, message, fields);
  return fmt::to_string(out);
}

Result<std::unique_ptr<Logger>> open_logger(const LogOptions& options) {
  try {
    spdlog::sink_ptr sink;
    if (options.file.empty()) {
      sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    } else {
      auto parent = std::filesystem::path(options.file).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
      sink = std::make_shared<spdlog::sinks::daily_file_sink_mt>(
          options.file, 0, 0, false, static_cast<uint16_t>(options.retention_days));
    }
    if (options.async) {
      return std::unique_ptr<Logger>(
          std::make_unique<BatchedLogger>(options.level, std::move(sink), options.queue_size));
    }
    return std::unique_ptr<Logger>(std::make_unique<SpdLogger>(
        options.level, std::make_shared<spdlog::logger>("session-api", sink)));
  } catch (const std::exception& e) {
    return unavailable(fmt::format("cannot open log {}: {}",
                                   options.file.empty() ? "stdout" : options.file, e.what()));
  }
}

std::unique_ptr<Logger> stream_logger(std::ostream& out, Level level) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true);
  return std::make_unique<SpdLogger>(level, std::make_shared<spdlog::logger>("stream", sink));
}

Logger& logger() {
  Logger* current = g_logger.load(std::memory_order_acquire);
  if (current) return *current;
  std::call_once(g_default_once, [] {
    LogOptions options;
    options.async = false;
    auto opened = open_logger(options);
    if (opened.ok()) {
      g_owned = std::move(*opened);
      g_logger.store(g_owned.get(), std::memory_order_release);
    }
  });
  current = g_logger.load(std::memory_order_acquire);
  assert(current && "the stdout logger cannot fail to open");
  return *current;
}

std::unique_ptr<Logger> set_logger(std::unique_ptr<Logger> logger) {
  obs::logger();  // settle the default first so that call_once never overwrites
  std::unique_ptr<Logger> previous = std::move(g_owned);
  g_owned = std::move(logger);
  g_logger.store(g_owned.get(), std::memory_order_release);
  if (previous) previous->flush();
  return previous;
}

}  // namespace sapi::obs
