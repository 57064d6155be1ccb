#include "obs/log.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sapi::obs {
namespace {

boost::json::object parse(const std::string& line) { return boost::json::parse(line).as_object(); }

TEST(LogTest, ALineIsOneJsonObjectWithTimestampLevelMessageAndFields) {
  std::string line = format_line(
      Level::kWarn, "store slow",
      {{"operation", "put_summary"}, {"ms", 12}, {"ok", false}, {"ratio", 0.5}, {"bytes", 7ul}});
  auto obj = parse(line);
  EXPECT_EQ(obj.at("level").as_string(), "WARN");
  EXPECT_EQ(obj.at("message").as_string(), "store slow");
  EXPECT_EQ(obj.at("operation").as_string(), "put_summary");
  EXPECT_EQ(obj.at("ms").as_int64(), 12);
  EXPECT_EQ(obj.at("ok").as_bool(), false);
  EXPECT_DOUBLE_EQ(obj.at("ratio").as_double(), 0.5);
  EXPECT_EQ(obj.at("bytes").to_number<int64_t>(), 7);
  std::string ts(obj.at("timestamp").as_string());
  ASSERT_EQ(ts.size(), 24u) << ts;  // 2026-04-08T12:00:00.000Z
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(LogTest, HostileStringsStayInsideTheirJsonString) {
  std::string nasty = "a\"b\\c\nd\x01\te";
  auto obj = parse(format_line(Level::kInfo, nasty, {{"k\"ey", nasty}}));
  EXPECT_EQ(obj.at("message").as_string(), nasty);
  EXPECT_EQ(obj.at("k\"ey").as_string(), nasty);
}

TEST(LogTest, EveryByteThatNeedsAnEscapeIsEscapedWhereverItStands) {
  // Long plain runs are skipped a word at a time: put each special byte at every offset of
  // a long string, so that it falls in every position of such a word and in the tail.
  for (char special : std::string("\"\\\n\x01\x1f\t")) {
    for (size_t at = 0; at < 40; ++at) {
      std::string value(40, 'x');
      value[at] = special;
      value += "\xc3\xa9 \x7f~";  // UTF-8, DEL and '~' need no escape
      auto obj = parse(format_line(Level::kInfo, "m", {{"v", value}}));
      EXPECT_EQ(obj.at("v").as_string(), value) << "byte " << int(special) << " at " << at;
    }
  }
}

TEST(LogTest, LinesBelowTheLevelAreNotWritten) {
  std::ostringstream out;
  auto log = stream_logger(out, Level::kWarn);
  log->info("hidden");
  log->error("shown", {{"code", 7}});
  log->flush();
  std::string text = out.str();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  ASSERT_NE(text.find("shown"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_EQ(parse(text.substr(0, text.size() - 1)).at("code").as_int64(), 7);
}

TEST(LogTest, AFileLoggerWritesDatedFilesAndFlushesOnDestruction) {
  auto dir = std::filesystem::temp_directory_path() / ("sapi_log_test_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  LogOptions options;
  options.file = (dir / "logs" / "api.log").string();
  options.retention_days = 3;
  {
    auto opened = open_logger(options);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    for (int i = 0; i < 1000; ++i) (*opened)->info("line", {{"i", i}});
  }
  int files = 0;
  size_t lines = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "logs")) {
    ++files;
    EXPECT_TRUE(entry.path().filename().string().starts_with("api_")) << entry.path();
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      parse(line);
      ++lines;
    }
  }
  EXPECT_EQ(files, 1);
  EXPECT_EQ(lines, 1000u);
  std::filesystem::remove_all(dir);
}

TEST(LogTest, LevelNamesAreTheSeedsOnly) {
  EXPECT_EQ(parse_level("DEBUG"), Level::kDebug);
  EXPECT_EQ(parse_level("ERROR"), Level::kError);
  EXPECT_FALSE(parse_level("info").has_value());
  EXPECT_FALSE(parse_level("WARNING").has_value());
}

}  // namespace
}  // namespace sapi::obs
