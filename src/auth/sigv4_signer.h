#pragma once

// The client side of SigV4, for tools and tests that call the service as a game server does
// (benchmarks, api tests): signs every header of the request with the Authorization header.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sapi::auth::sigv4 {

struct SigningParams {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
  std::string region = "eu-west-1";
  std::string service = "execute-api";
  int64_t time = 0;  // epoch seconds of X-Amz-Date
};

struct OutgoingRequest {
  std::string method = "GET";
  std::string raw_path = "/";  // as it goes on the wire, base path included
  std::string query;           // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names; include host
  std::string body;
};

// Adds x-amz-date, x-amz-security-token (temporary credentials) and authorization headers,
// signing every header present (after dropping any previous authorization) and the body's
// SHA-256.
void sign_request(OutgoingRequest& request, const SigningParams& params);

// "YYYYMMDDTHHMMSSZ" for epoch seconds.
std::string format_amz_date(int64_t epoch_seconds);

}  // namespace sapi::auth::sigv4
