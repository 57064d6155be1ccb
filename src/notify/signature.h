#pragma once

// How webhook requests are signed, so that receivers can tell them from forgeries and replays
// (docs/events.md shows a receiver's check):
//
//   X-Session-Api-Timestamp: <Unix seconds when the attempt was sent>
//   X-Session-Api-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>

#include <cstdint>
#include <string>
#include <string_view>

namespace sapi::notify {

inline constexpr std::string_view kTimestampHeader = "X-Session-Api-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Session-Api-Signature";

// The X-Session-Api-Signature value for `body` sent at `timestamp`: "v1=" and 64 hex digits.
std::string webhook_signature(std::string_view secret, int64_t timestamp, std::string_view body);

// True when `signature` (a header value) signs `body` at `timestamp` under `secret`, and
// `timestamp` is within `tolerance_seconds` of `now`. Compares in constant time.
bool verify_webhook_signature(std::string_view secret, std::string_view signature,
                              int64_t timestamp, std::string_view body, int64_t now,
                              int64_t tolerance_seconds = 300);

}  // namespace sapi::notify
