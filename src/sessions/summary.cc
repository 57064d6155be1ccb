#include "sessions/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "base/text.h"
#include "sessions/iso8601.h"

namespace sapi::sessions {
namespace {

// Characters are Unicode code points; Boost.JSON has already checked the UTF-8.
size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

const boost::json::string* string_field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

Result<std::vector<std::string>> parse_rewards(const boost::json::object& body) {
  std::vector<std::string> rewards;
  const auto* field = body.if_contains("rewards");
  if (field == nullptr || field->is_null()) return rewards;
  const auto* array = field->if_array();
  if (array == nullptr) return invalid_argument("rewards must be an array of reward ids");
  if (array->size() > kMaxRewards) {
    return invalid_argument(fmt::format("rewards must hold at most {} reward ids", kMaxRewards));
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const auto* id = (*array)[i].if_string();
    if (id == nullptr || !is_valid_reward_id(*id)) {
      return invalid_argument(
          fmt::format("rewards[{}] is not a valid reward id (1 to 128 of A-Z a-z 0-9 _ . : -)", i));
    }
    std::string value(id->data(), id->size());
    if (std::find(rewards.begin(), rewards.end(), value) == rewards.end()) {
      rewards.push_back(std::move(value));
    }
  }
  return rewards;
}

Result<std::optional<Clock::TimePoint>> parse_end_time(const boost::json::object& body,
                                                       Clock::TimePoint now) {
  const auto* field = body.if_contains("endTime");
  if (field == nullptr || field->is_null()) return std::optional<Clock::TimePoint>();
  const auto* text = field->if_string();
  auto end = text ? parse_iso8601(std::string_view(text->data(), text->size())) : std::nullopt;
  if (!end) {
    return invalid_argument(
        "endTime must be an ISO-8601 date-time such as 2026-04-08T12:00:00.000Z");
  }
  constexpr auto kEarliest = std::chrono::sys_days{std::chrono::year{2000} / 1 / 1};
  if (*end < Clock::TimePoint(kEarliest) || *end > now + std::chrono::hours(24)) {
    return invalid_argument("endTime is out of range (after 2000 and at most a day ahead)");
  }
  return std::optional<Clock::TimePoint>(*end);
}

}  // namespace

bool is_valid_reward_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRewardIdChars) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
  });
}

Result<SessionSummary> parse_summary(const boost::json::value& value, Clock::TimePoint now) {
  const auto* body = value.if_object();
  if (body == nullptr) return invalid_argument("request body must be a JSON object");
  const auto* player = string_field(*body, "playerId");
  const auto* session = string_field(*body, "sessionId");
  if (player == nullptr || session == nullptr || player->empty() || session->empty()) {
    return invalid_argument(kIdsRequired);
  }
  if (utf8_length(*player) > kMaxPlayerIdChars) {
    return invalid_argument(
        fmt::format("playerId must be at most {} characters", kMaxPlayerIdChars));
  }
  if (utf8_length(*session) > kMaxSessionIdChars) {
    return invalid_argument(
        fmt::format("sessionId must be at most {} characters", kMaxSessionIdChars));
  }
  // A control character (NUL above all) is in no real player or session id, and would be cut
  // short or mangled by whatever reads the id as a C string later.
  if (has_control_character(*player) || has_control_character(*session)) {
    return invalid_argument("playerId and sessionId must not contain control characters");
  }
  auto rewards = parse_rewards(*body);
  if (!rewards.ok()) return rewards.status();
  auto end_time = parse_end_time(*body, now);
  if (!end_time.ok()) return end_time.status();
  return SessionSummary{std::string(player->data(), player->size()),
                        std::string(session->data(), session->size()), std::move(*rewards),
                        *end_time};
}

}  // namespace sapi::sessions
