#include "notify/signature.h"

#include "auth/crypto.h"

namespace sapi::notify {
namespace {

std::string signed_payload(int64_t timestamp, std::string_view body) {
  std::string payload = std::to_string(timestamp);
  payload += '.';
  payload.append(body);
  return payload;
}

}  // namespace

std::string webhook_signature(std::string_view secret, int64_t timestamp, std::string_view body) {
  return "v1=" + auth::hmac_sha256_hex(secret, signed_payload(timestamp, body));
}

bool verify_webhook_signature(std::string_view secret, std::string_view signature,
                              int64_t timestamp, std::string_view body, int64_t now,
                              int64_t tolerance_seconds) {
  int64_t skew = now > timestamp ? now - timestamp : timestamp - now;
  if (skew > tolerance_seconds) return false;
  return auth::constant_time_equal(signature, webhook_signature(secret, timestamp, body));
}

}  // namespace sapi::notify
