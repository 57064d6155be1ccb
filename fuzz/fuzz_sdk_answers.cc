// The SDK's readers of what a service (or anything posing as one) answers: the event-stream
// parser on bytes split into arbitrary chunks, and the JSON answer reader with the status
// codes a client sees, and the Retry-After reader. None may crash, hang or read out of bounds.

#include <cstddef>
#include <cstdint>
#include <string>

#include "json_util.h"
#include "sse_parser.h"
#include "transport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size and the status code, the rest is the body.
  size_t chunk = 1 + data[0] % 16;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);

  size_t events = 0;
  session_api::SseParser parser([&](const session_api::Event& e) {
    events += e.data.size() + e.type.size() + e.id.size() > 0 ? 1 : 0;
    return events < 1000;
  });
  for (size_t at = 0; at < body.size(); at += chunk) {
    if (!parser.feed(body.data() + at, std::min(chunk, body.size() - at))) break;
  }

  static const int kStatuses[] = {200, 201, 400, 401, 403, 404, 409, 429, 500, 503};
  session_api::HttpResponse response;
  response.status = kStatuses[data[0] % 10];
  response.body = body;
  // Retry-After as a server sends it, seconds or an HTTP date: always 0 to a day, or unset.
  if (auto wait = session_api::parse_retry_after(body, 1767225600)) {
    if (*wait < 0 || *wait > 86400) __builtin_trap();
  }
  auto parsed = session_api::json_util::parse_answer(response);
  if (parsed.ok()) {
    (void)session_api::json_util::str(*parsed, "ticketId");
    (void)session_api::json_util::integer(*parsed, "port");
    (void)session_api::json_util::array(*parsed, "players");
    (void)session_api::json_util::object(*parsed, "gameSession");
  }
  return 0;
}
