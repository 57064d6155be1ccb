#include "sse_parser.h"

namespace session_api {

bool SseParser::feed(const char* data, size_t n) {
  buffer_.append(data, n);
  size_t start = 0;
  while (true) {
    size_t nl = buffer_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string line = buffer_.substr(start, nl - start);
    start = nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!on_line(line)) {
      buffer_.erase(0, start);
      return false;
    }
  }
  buffer_.erase(0, start);
  return true;
}

bool SseParser::on_line(const std::string& line) {
  if (line.empty()) {
    if (!has_data_) return true;
    // The id is the stream's last event id: it stays until the next "id:" field.
    Event e{type_.empty() ? "message" : type_, id_, data_};
    type_.clear();
    data_.clear();
    has_data_ = false;
    return on_event_(e);
  }
  if (line[0] == ':') return true;  // a comment (keep-alive)
  size_t colon = line.find(':');
  std::string field = line.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.erase(0, 1);
  if (field == "event") {
    type_ = value;
  } else if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_ += value;
    has_data_ = true;
  } else if (field == "id") {
    id_ = value;
  }
  return true;
}

}  // namespace session_api
