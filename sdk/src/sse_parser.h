#pragma once

// Server-sent events (internal): the WHATWG format's fields per line, an event per blank
// line, with lines split anywhere across the chunks the network delivers.

#include <functional>
#include <string>

#include "session_api/player_client.h"

namespace session_api {

class SseParser {
 public:
  explicit SseParser(std::function<bool(const Event&)> on_event) : on_event_(std::move(on_event)) {}

  // Feeds the next bytes of the stream; false once the callback asked to stop.
  bool feed(const char* data, size_t n);

 private:
  bool on_line(const std::string& line);

  std::function<bool(const Event&)> on_event_;
  std::string buffer_;
  std::string type_, id_, data_;
  bool has_data_ = false;
};

}  // namespace session_api
