#pragma once

// AWS Signature Version 4 (header signing), as API Gateway expects it from a game server.
// The game-server client signs every call with it; it is public for callers who sign other
// requests. Pure functions: safe from any thread.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace session_api {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only; sent as x-amz-security-token
};

namespace sigv4 {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent on the wire (percent-encoded), with the base path
  std::string query;   // as sent, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // must include "host"
  std::string body;
};

struct Params {
  Credentials credentials;
  std::string region;
  std::string service = "execute-api";
  int64_t epoch_seconds = 0;  // the signing time
  // RFC 3986 dot-segment removal in the canonical URI (every service but S3).
  bool normalize_path = true;
  // Also send and sign x-amz-content-sha256 (S3 style); API Gateway does not need it.
  bool content_sha256_header = false;
};

struct Signature {
  // Headers to add to the request: x-amz-date, x-amz-content-sha256 (when asked for),
  // x-amz-security-token (temporary credentials) and authorization.
  std::vector<std::pair<std::string, std::string>> headers;
  // The intermediate values, for debugging a refusal; never log them with the secret.
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lower-case hex
};

// Signs every header of `request` (names lower-cased, values trimmed and folded) plus the ones
// it adds, and the SHA-256 of the body.
Signature sign(const Request& request, const Params& params);

// "20150830T123600Z" for `epoch_seconds`.
std::string amz_date(int64_t epoch_seconds);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(const std::string& data);

}  // namespace sigv4
}  // namespace session_api
