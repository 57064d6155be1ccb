#pragma once

// How errors reach API clients: every Code has one HTTP status and one API error code, and
// every error response is `{"error": CODE, "message": text}`.

#include <string_view>

#include "base/status.h"
#include "http/message.h"

namespace sapi::api {

// 400, 401, 403, 404, 409, 429, 504, 503 or 500.
int http_status(Code code);

// The API's generic error code for `code`: INVALID_REQUEST, UNAUTHORIZED, FORBIDDEN,
// NOT_FOUND, CONFLICT, TOO_MANY_REQUESTS, TIMEOUT, SERVICE_UNAVAILABLE or INTERNAL.
std::string_view api_error_code(Code code);

// The error response for a non-ok `status`, with its generic API code. A 503 carries
// `Retry-After: 1` (http::ask_to_retry_soon).
http::Response error_response(const Status& status);

// The same with a route's own API code, e.g. TICKET_NOT_FOUND or STORAGE_FAILED: the clients
// of the seed know these and match on them.
http::Response error_response(const Status& status, std::string_view api_code);

}  // namespace sapi::api
