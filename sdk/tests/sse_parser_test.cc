// The event-stream parser on what networks deliver: chunks split anywhere, CRLF, comments,
// multi-line data, and a callback that stops the stream.

#include "sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace session_api {
namespace {

const std::string kStream =
    "retry: 3000\n\n"
    ": heartbeat\n"
    "id: run-1\r\n"
    "event: MatchmakingSearching\r\n"
    "data: {\"a\":1}\r\n\r\n"
    "event: MatchmakingSucceeded\n"
    "data: line one\n"
    "data: line two\n\n"
    "id: run-3\n"
    "data:no space\n\n";

std::vector<Event> parse_in_chunks(const std::string& text, size_t chunk) {
  std::vector<Event> events;
  SseParser parser([&](const Event& e) {
    events.push_back(e);
    return true;
  });
  for (size_t at = 0; at < text.size(); at += chunk) {
    EXPECT_TRUE(parser.feed(text.data() + at, std::min(chunk, text.size() - at)));
  }
  return events;
}

TEST(SseParser, ReadsEventsWhateverTheChunking) {
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{7}, kStream.size()}) {
    auto events = parse_in_chunks(kStream, chunk);
    ASSERT_EQ(events.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(events[0].type, "MatchmakingSearching");
    EXPECT_EQ(events[0].id, "run-1");
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[1].type, "MatchmakingSucceeded");
    EXPECT_EQ(events[1].id, "run-1");  // the last event id carries over
    EXPECT_EQ(events[1].data, "line one\nline two");
    EXPECT_EQ(events[2].type, "message");
    EXPECT_EQ(events[2].id, "run-3");
    EXPECT_EQ(events[2].data, "no space");
  }
}

TEST(SseParser, AnIncompleteEventIsNotDelivered) {
  auto events = parse_in_chunks("event: X\ndata: half", 4);
  EXPECT_TRUE(events.empty());
}

TEST(SseParser, TheCallbackStopsTheStream) {
  int seen = 0;
  SseParser parser([&](const Event&) { return ++seen < 2; });
  EXPECT_FALSE(parser.feed(kStream.data(), kStream.size()));
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace session_api
