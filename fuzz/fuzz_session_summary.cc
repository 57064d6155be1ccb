// POST /session-summary's body on arbitrary bytes, through the route's JSON limits and the
// summary decoder. What decodes must keep the limits sessions/summary.h promises, since the
// store and the rewards catalogue rely on them.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "api/json_body.h"
#include "sessions/summary.h"

// Holds in every build type (assert() may be compiled out).
#define SAPI_FUZZ_CHECK(cond) \
  if (!(cond)) __builtin_trap()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sapi;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto object = api::parse_json_object(body, api::JsonLimits{});
  if (!object.ok()) return 0;
  // 2026-01-01T00:00:00Z: a fixed "now", so that a run reproduces.
  const Clock::TimePoint now{std::chrono::seconds(1767225600)};
  auto summary = sessions::parse_summary(boost::json::value(std::move(*object)), now);
  if (!summary.ok()) return 0;
  SAPI_FUZZ_CHECK(!summary->player_id.empty());
  SAPI_FUZZ_CHECK(!summary->session_id.empty());
  for (const std::string* id : {&summary->player_id, &summary->session_id}) {
    for (char ch : *id) SAPI_FUZZ_CHECK(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f);
  }
  SAPI_FUZZ_CHECK(summary->rewards.size() <= sessions::kMaxRewards);
  std::set<std::string_view> distinct;
  for (const auto& id : summary->rewards) {
    SAPI_FUZZ_CHECK(sessions::is_valid_reward_id(id));
    SAPI_FUZZ_CHECK(distinct.insert(id).second);
  }
  if (summary->end_time) SAPI_FUZZ_CHECK(*summary->end_time <= now + std::chrono::hours(24));
  return 0;
}
